// Progress logs: one line per event, JSON when not on a terminal (for log shippers).
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

type Sink = (line: string) => void;

export function createLogger(
  opts: { json?: boolean; sink?: Sink; fields?: Record<string, unknown> } = {},
): Logger {
  const json = opts.json ?? !process.stderr.isTTY;
  const sink: Sink = opts.sink ?? ((line) => process.stderr.write(line + "\n"));
  const base = opts.fields ?? {};
  const write = (level: string, msg: string, fields?: Record<string, unknown>) => {
    const all = { ...base, ...fields };
    if (json) {
      sink(JSON.stringify({ time: new Date().toISOString(), level, msg, ...all }));
    } else {
      const kv = Object.entries(all)
        .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
        .join(" ");
      sink(`${new Date().toISOString()} ${level.padEnd(5)} ${msg}${kv ? " " + kv : ""}`);
    }
  };
  return {
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    child: (fields) => createLogger({ json, sink, fields: { ...base, ...fields } }),
  };
}

export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
