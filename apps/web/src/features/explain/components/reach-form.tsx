import { useRef, useState } from 'react';

import { Field } from '../../../components/ui/field.tsx';
import { DestinationSuggestInput } from '../../destinations/components/destination-suggest.tsx';
import { ServiceSuggestInput } from '../../services/components/service-suggest.tsx';
import type { ReachQuestion } from '../api/explain.queries.ts';
import { completeQuestion } from '../reach-text.ts';

export interface ReachDraft {
  service?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
}

interface Props {
  /** Where the fields start (the URL's question, or the page's own service or destination). */
  initial: ReachDraft;
  onAsk: (q: ReachQuestion) => void;
  /** A field the page already fixes (the service page's service, the destination page's host): not shown. */
  fixed?: 'service' | 'host' | undefined;
  /** The destination page's ports: a select instead of a free number. */
  ports?: readonly number[] | undefined;
  label: string;
}

/**
 * Service, host and port, then "Check". The suggestion fields commit on Enter, blur or pick; the draft
 * is also kept in a ref so Enter's commit and the form's submit (same key press) see the same value.
 */
export function ReachForm({ initial, onAsk, fixed, ports, label }: Props) {
  const [draft, setDraftState] = useState<ReachDraft>(initial);
  const latest = useRef<ReachDraft>(initial);
  const [error, setError] = useState<string | undefined>();
  const setDraft = (patch: ReachDraft) => {
    latest.current = { ...latest.current, ...patch };
    setDraftState(latest.current);
  };
  const submit = () => {
    const q = completeQuestion(latest.current);
    if (!q) {
      setError('Name a service, a host and a port (1–65535).');
      return;
    }
    setError(undefined);
    onAsk(q);
  };
  return (
    <form
      className="reach-form"
      aria-label={label}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {fixed === 'service' ? null : (
        <Field label="Service" hint="Type part of its name.">
          <ServiceSuggestInput
            value={draft.service}
            onCommit={(service) => setDraft({ service })}
            placeholder="service.name"
          />
        </Field>
      )}
      {fixed === 'host' ? null : (
        <Field label="Host" hint="A registered destination, or any host name.">
          <DestinationSuggestInput
            value={draft.host}
            onCommit={(host) => setDraft({ host })}
            placeholder="api.example.com"
          />
        </Field>
      )}
      {ports && ports.length > 0 ? (
        <Field label="Port">
          <select value={draft.port ?? ports[0]} onChange={(e) => setDraft({ port: Number(e.target.value) })}>
            {ports.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </Field>
      ) : (
        <Field label="Port" className="reach-port">
          <input
            type="number"
            inputMode="numeric"
            min={1}
            max={65535}
            value={draft.port ?? ''}
            onChange={(e) => setDraft({ port: e.target.value === '' ? undefined : Number(e.target.value) })}
          />
        </Field>
      )}
      <div className="reach-submit">
        <button type="submit" className="btn btn-primary">
          Check
        </button>
      </div>
      {error ? (
        <p className="field-error reach-form-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
