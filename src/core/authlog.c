/*
 * authlog.c - login failures to syslog (see authlog.h).
 */
#include "authlog.h"
#include "rekisteri/users.h"

#include <string.h>
#include <syslog.h>

void rk_authlog_failure(const char *username, const char *source, const char *reason)
{
        const char *user = rk_users_check_name(username, NULL) == RK_OK ? username : "?";
        const char *rhost =
            strncmp(source, "tty:", 4) == 0 || strcmp(source, "local") == 0 ? "local"
                                                                            : source;
        openlog("rekisteri", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
        syslog(LOG_WARNING, "authentication failure; user=%s rhost=%s reason=%s", user,
               rhost, reason);
        closelog();
}
