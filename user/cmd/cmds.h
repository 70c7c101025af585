/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* One function per command, each in its own cmd_<name>.c; dispatched from main.c. */
#ifndef SC_CMDS_H
#define SC_CMDS_H

int cmd_record(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_agent(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_unload(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_propose(int argc, char **argv);

#endif
