import { useEffect, useState } from "react";

export interface FilterBoxProps {
  /** The filter applied now. */
  value: string;
  onApply: (filter: string) => void;
  /** Why the page cannot filter (a static site); the box is then disabled. */
  disabledReason?: string | null;
  /** The API's answer to the last filter, when it did not parse. */
  error?: { message: string; hint?: string | undefined } | null;
}

/** MLflow's filter syntax, applied on Enter; a filter that does not parse shows where, under the box. */
export function FilterBox(props: FilterBoxProps) {
  const [draft, setDraft] = useState(props.value);
  useEffect(() => setDraft(props.value), [props.value]);
  const disabled = Boolean(props.disabledReason);
  return (
    <form
      className="kv-filter"
      onSubmit={(event) => {
        event.preventDefault();
        props.onApply(draft.trim());
      }}
    >
      <label className="kv-filter-input">
        <span>Filter</span>
        <input
          type="search"
          aria-label="Filter runs"
          placeholder="metrics.r2_score > 0.5 and params.model_options.test_size = 0.2"
          value={draft}
          disabled={disabled}
          spellCheck={false}
          aria-invalid={props.error ? true : undefined}
          aria-describedby={props.error ? "kv-filter-error" : undefined}
          onChange={(event) => setDraft(event.target.value)}
        />
      </label>
      <button type="submit" disabled={disabled}>
        Apply
      </button>
      {props.value && (
        <button
          type="button"
          disabled={disabled}
          onClick={() => {
            setDraft("");
            props.onApply("");
          }}
        >
          Clear
        </button>
      )}
      {disabled && <p className="kv-hint kv-muted">{props.disabledReason}</p>}
      {props.error && (
        <div className="kv-filter-error" id="kv-filter-error" role="alert">
          <pre className="kv-error">{props.error.message}</pre>
          {props.error.hint && <p className="kv-hint kv-muted">{props.error.hint}</p>}
        </div>
      )}
    </form>
  );
}
