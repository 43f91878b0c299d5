/*
 * authlog.h - login failures to syslog (LOG_AUTHPRIV), in one fixed format
 * that the shipped fail2ban filter matches:
 *   authentication failure; user=NAME rhost=ADDR reason=password|code
 * NAME is the typed username only when it is a valid username (anything
 * else, such as a password typed into the wrong field, becomes "?").
 * Internal to the core library.
 */
#ifndef REKISTERI_AUTHLOG_H
#define REKISTERI_AUTHLOG_H

void rk_authlog_failure(const char *username, const char *source, const char *reason);

#endif
