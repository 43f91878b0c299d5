/*
 * privacy_words.h - the words the privacy documents share, translated
 * when asked for (the documents switch the language first): field groups,
 * legal bases, retention rules, periods, the fields of a group, and the
 * language version of a text the controller wrote in the config.
 */
#ifndef REKISTERI_PRIVACY_WORDS_H
#define REKISTERI_PRIVACY_WORDS_H

#include "rekisteri/config.h"
#include "rekisteri/policy.h"
#include "rekisteri/retention.h"

#include <stddef.h>

/* pw_group_label - "Identity" / "Tunnistetiedot"; pw_group_content - what
 * the group holds, one phrase. */
const char *pw_group_label(enum rk_group g);
const char *pw_group_content(enum rk_group g);

/* pw_groups_text - the groups of set as "Identity, Contact details" into
 * out; "none" (translated) for an empty set. */
void pw_groups_text(rk_groupset set, char *out, size_t size);

/* pw_group_fields - the labels of the fields of group g, comma-separated,
 * translated. */
void pw_group_fields(enum rk_group g, char *out, size_t size);

/* pw_groups_stored - every group some field of the table belongs to. */
rk_groupset pw_groups_stored(void);

/* pw_basis_label - "Contract (Art. 6(1)(b))"; "not set" for -1. */
const char *pw_basis_label(int basis);

/* pw_rule_label / pw_rule_event / pw_rule_reason - a retention rule. */
const char *pw_rule_label(enum rk_retention_rule r);
const char *pw_rule_event(enum rk_retention_rule r);
const char *pw_rule_reason(enum rk_retention_rule r);

/* pw_period - "24 months" / "6 years" for a period in months. */
void pw_period(int months, char *out, size_t size);

/* pw_action - what a rule does: "anonymise" / "delete", translated. */
const char *pw_action(enum rk_retention_action a);

/* pw_text - the version of t in the current language, else its main text. */
const char *pw_text(const struct rk_config_text *t);

/* pw_controller_name - [controller] name, else [register] company_name. */
const char *pw_controller_name(const struct rk_config *cfg);

#endif
