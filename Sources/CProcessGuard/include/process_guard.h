#ifndef CASEVAULT_PROCESS_GUARD_H
#define CASEVAULT_PROCESS_GUARD_H
#include <sys/types.h>

/// Turns core dumps off for this process (PR_SET_DUMPABLE 0, RLIMIT_CORE 0): a crash of the key
/// agent must not write its memory to disk, and other processes of the user may not ptrace it.
/// Returns 0, or -1 with errno set.
int casevault_disable_core_dumps(void);

/// The user id of the process at the other end of a connected Unix socket (SO_PEERCRED).
/// Returns 0, or -1 with errno set.
int casevault_peer_uid(int fd, uid_t *uid);

/// Blocks SIGTERM, SIGHUP and SIGINT and returns a signalfd that becomes readable when one
/// arrives, so the agent's poll loop can exit cleanly (zeroing its keys). -1 on failure.
int casevault_termination_signal_fd(void);

/// Waits until process `pid` (not necessarily a child) has exited, at most `timeout_ms`,
/// through a pidfd: 1 when it exited, 0 on timeout, -1 with errno set.
int casevault_wait_for_exit(pid_t pid, int timeout_ms);

#endif
