import { useId, type InputHTMLAttributes } from "react";

/** A labelled text input with an optional hint and error message (announced to screen readers). */
export function Input({ label, hint, error, id, className, ...props }: InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: string; error?: string }) {
  const generated = useId();
  const inputId = id ?? generated;
  const describedBy = error ? `${inputId}-error` : hint ? `${inputId}-hint` : undefined;
  return (
    <div className={className ? `ui-field ${className}` : "ui-field"}>
      <label htmlFor={inputId} className="ui-field-label">
        {label}
      </label>
      <input id={inputId} className="ui-input" aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...props} />
      {error ? (
        <div id={`${inputId}-error`} className="ui-field-error" role="alert">
          {error}
        </div>
      ) : hint ? (
        <div id={`${inputId}-hint`} className="ui-field-hint">
          {hint}
        </div>
      ) : null}
    </div>
  );
}
