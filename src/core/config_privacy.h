/*
 * config_privacy.h - the config sections of the privacy documents
 * (privacy.h): [purpose.NAME], [recipient.NAME] and [transfer.NAME], read
 * by config.c when it meets one, and the checks made once the whole file
 * is read. [controller] is plain keys in config.c's table.
 */
#ifndef REKISTERI_CONFIG_PRIVACY_H
#define REKISTERI_CONFIG_PRIVACY_H

#include "rekisteri/config.h"

#include <iniparser/iniparser.h>
#include <stdbool.h>

/* rk_config_privacy_owns - true for a section this file reads. */
bool rk_config_privacy_owns(const char *section);

/*
 * rk_config_privacy_section - read one owned section of d into cfg.
 * RK_ERR_CONFIG naming file, section and key for an unknown key, a bad
 * value (legal basis, field group, country, 0/1) or too many sections.
 */
int rk_config_privacy_section(dictionary *d, const char *file, const char *section,
                              struct rk_config *cfg, struct rk_error *err);

/* rk_config_privacy_finish - the checks on the whole file: [controller]
 * language is fi, sv, en or empty. */
int rk_config_privacy_finish(const char *file, struct rk_config *cfg,
                             struct rk_error *err);

#endif
