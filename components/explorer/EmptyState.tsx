import type { ReactNode } from "react";
import { Card } from "@/components/ui/Card";

/** What a page shows when the thing asked for is not (yet) in the index. */
export function EmptyState({
  title,
  children,
  testId = "empty-state",
}: {
  title: string;
  children?: ReactNode;
  testId?: string;
}) {
  return (
    <Card title={title}>
      <p className="muted" style={{ margin: 0 }} data-testid={testId}>
        {children ?? "Nothing indexed yet. The indexer fills this in as the chain produces blocks."}
      </p>
    </Card>
  );
}
