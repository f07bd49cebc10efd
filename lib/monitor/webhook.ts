// Alert notifications: one JSON POST per alert opened or resolved, to ALERT_WEBHOOK_URL.
// Retried with exponential backoff on network errors, timeouts, 429 and 5xx; other 4xx are the
// receiver refusing the payload, which a retry would not change. Delivery is at-least-once
// per check: receivers deduplicate on `alert.id` + `event`.

export interface AlertWebhookPayload {
  event: "alert.opened" | "alert.resolved";
  alert: {
    id: string;
    key: string;
    kind: string;
    severity: string;
    message: string;
    details: unknown;
    openedAt: string;
    resolvedAt: string | null;
  };
  /** Where the alert can be seen (the network page). */
  url: string | null;
}

export interface WebhookDelivery {
  ok: boolean;
  attempts: number;
  /** Last HTTP status or error when not ok. */
  error: string | null;
}

export interface WebhookOptions {
  retries: number;
  timeoutMs?: number;
  /** First backoff; doubled per attempt (tests shorten it). */
  backoffMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function postWebhook(
  url: string,
  payload: AlertWebhookPayload,
  opts: WebhookOptions,
): Promise<WebhookDelivery> {
  const body = JSON.stringify(payload);
  let error = "not attempted";
  for (let attempt = 1; attempt <= opts.retries + 1; attempt++) {
    if (attempt > 1) await sleep((opts.backoffMs ?? 500) * 2 ** (attempt - 2));
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "tensorchain-monitor" },
        body,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 5_000),
      });
      // Drain the body so the connection is reused or closed cleanly.
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { ok: true, attempts: attempt, error: null };
      error = `HTTP ${res.status}`;
      if (res.status < 500 && res.status !== 429) return { ok: false, attempts: attempt, error };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      error = e.name === "TimeoutError" ? "timed out" : (e.cause?.code ?? e.message);
    }
  }
  return { ok: false, attempts: opts.retries + 1, error };
}
