// The one place outside the typed config modules that touches process.env: child processes
// (benchmark peers, workers, the Prisma CLI) inherit this process's environment plus a few
// variables, and benchmarks that host the app's modules in-process set its configuration.

/** This process's environment with `extra` added: the `env` option of a child process. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}

/** Sets configuration variables for app modules loaded later in this process (benchmarks). */
export function setProcessEnv(vars: Record<string, string>): void {
  Object.assign(process.env, vars);
}
