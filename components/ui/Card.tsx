import type { ReactNode } from "react";

export function Card({ title, actions, children, className }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={className ? `ui-card ${className}` : "ui-card"}>
      {(title !== undefined || actions !== undefined) && (
        <header className="ui-card-header">
          {title !== undefined && <h2 className="ui-card-title">{title}</h2>}
          {actions}
        </header>
      )}
      {children}
    </section>
  );
}
