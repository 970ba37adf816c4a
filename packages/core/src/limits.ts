/**
 * The most users a test may ask for, across all workers. Far beyond what any set of machines
 * runs (a user costs some kilobytes), but it refuses typing mistakes such as 1e11 before they
 * reach the dispatcher; the command line and the web UI share it.
 */
export const MAX_USERS = 10_000_000;
