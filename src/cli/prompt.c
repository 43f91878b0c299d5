/*
 * prompt.c - reading a password or key without echo, straight into guarded
 * memory, from the terminal or (for scripts) from standard input.
 */
#include "cli.h"
#include "rekisteri/secret.h"

#include <stdio.h>
#include <termios.h>
#include <unistd.h>

static int read_from_tty(const char *prompt, char **out, size_t *len,
                         struct rk_error *err)
{
        FILE *tty = fopen("/dev/tty", "r+e");
        if (tty == NULL)
                return rk_error_set(
                    err, RK_ERR_IO,
                    "no terminal to ask the password on; use --password-stdin");
        struct termios saved, quiet;
        int fd = fileno(tty);
        int have_termios = tcgetattr(fd, &saved) == 0;
        if (have_termios) {
                quiet = saved;
                quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
                quiet.c_lflag |= ICANON;
                tcsetattr(fd, TCSAFLUSH, &quiet);
        }
        fputs(prompt, stderr);
        fflush(stderr);
        int rc = rk_secret_read_line(tty, RK_PASSWORD_MAX, out, len);
        if (have_termios)
                tcsetattr(fd, TCSAFLUSH, &saved);
        fputc('\n', stderr);
        fclose(tty);
        return rc;
}

int cli_read_secret(bool from_stdin, const char *prompt, char **out, size_t *len,
                    struct rk_error *err)
{
        int rc = from_stdin ? rk_secret_read_line(stdin, RK_PASSWORD_MAX, out, len)
                            : read_from_tty(prompt, out, len, err);
        if (rc == RK_ERR_INVALID)
                return rk_error_set(err, rc,
                                    "the input is longer than %d bytes; nothing was "
                                    "changed",
                                    RK_PASSWORD_MAX);
        if (rc == RK_ERR_IO && (err == NULL || err->msg[0] == '\0'))
                return rk_error_set(err, rc, "nothing could be read");
        return rc;
}
