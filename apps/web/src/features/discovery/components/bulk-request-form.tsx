// One justification for several (service, destination, port): each becomes a normal pending request
// with the usual approvals. Items already pending or active are reported by the API, not filed twice.
import { JustificationSchema } from '@egress/shared';
import { useState } from 'react';

import { RefusedNotice } from '../../../components/ui/error-panel.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { showToast } from '../../../components/ui/toast.tsx';
import { useBulkRequest } from '../api/discovery.mutations.ts';

export interface BulkItem {
  service: string;
  destination: string;
  port: number;
}

export function BulkRequestForm({
  items,
  label,
  onDone,
}: {
  items: readonly BulkItem[];
  label: string;
  onDone?: () => void;
}) {
  const mutation = useBulkRequest();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = (e: React.SyntheticEvent<HTMLFormElement>) => {
    e.preventDefault();
    const parsed = JustificationSchema.safeParse(text);
    if (!parsed.success) {
      setError(`Justification ${parsed.error.issues[0]?.message ?? 'is not valid'}`);
      return;
    }
    setError(undefined);
    mutation.mutate(
      { items: [...items], justification: parsed.data },
      {
        onSuccess: (r) => {
          const existing = r.existing.length > 0 ? ` ${r.existing.length} already had one.` : '';
          showToast({
            kind: 'success',
            title: `${r.created.length} ${r.created.length === 1 ? 'request' : 'requests'} filed`,
            message: `Each waits for the usual approvals.${existing}`,
          });
          setText('');
          onDone?.();
        },
      },
    );
  };
  return (
    <form noValidate className="stack" onSubmit={submit} aria-label={label}>
      <Field label="Justification (one for all of them)" error={error}>
        <textarea rows={2} value={text} onChange={(e) => setText(e.target.value)} />
      </Field>
      <RefusedNotice error={mutation.error} />
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={mutation.isPending || items.length === 0}>
          {mutation.isPending ? 'Sending…' : label}
        </button>
      </div>
    </form>
  );
}
