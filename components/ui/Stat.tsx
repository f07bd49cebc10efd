import type { ReactNode } from "react";

/** A labelled figure; `mono` for hashes and numbers that should not reflow. */
export function Stat({ label, value, hint, mono, testId }: { label: string; value: ReactNode; hint?: ReactNode; mono?: boolean; testId?: string }) {
  return (
    <div className="ui-stat">
      <div className="ui-stat-label">{label}</div>
      <div className={mono ? "ui-stat-value mono" : "ui-stat-value"} data-testid={testId}>
        {value}
      </div>
      {hint !== undefined && <div className="ui-stat-hint">{hint}</div>}
    </div>
  );
}
