// A service's identity (namespace, selector, ServiceAccount) and what may be done with it: bind an
// unbound service, see why the identity is locked while grants are live, delete (an approver's call when
// grants are active). The server decides every case; this explains it before anyone tries.
import { can, type Role, type Service, ServiceAccountNameSchema } from '@egress/shared';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';

import { Badge } from '../../../components/ui/badge.tsx';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { showToast } from '../../../components/ui/toast.tsx';
import { isApiError } from '../../../lib/api-client.ts';
import { useDeleteService, useUpdateService } from '../api/services.mutations.ts';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const selectorText = (s: Service) =>
  Object.entries(s.selector.matchLabels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

export function ServiceAccountValue({ service }: { service: Service }) {
  if (service.serviceAccount !== null) return <code>{service.serviceAccount}</code>;
  return (
    <Badge tone="amber" title="Any pod with the selector labels in the namespace gets this service's access">
      unbound
    </Badge>
  );
}

function BindForm({ service }: { service: Service }) {
  const update = useUpdateService(service.id);
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = () => {
    const parsed = ServiceAccountNameSchema.safeParse(value.trim());
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? 'is not a valid name');
      return;
    }
    setError(undefined);
    update.mutate(
      { serviceAccount: parsed.data },
      {
        onSuccess: () =>
          showToast({
            kind: 'success',
            title: `Service ${service.name} bound to ServiceAccount ${parsed.data}`,
          }),
        onError: (e) => setError(isApiError(e) ? e.message : 'the service was not bound'),
      },
    );
  };
  return (
    <form
      noValidate
      className="stack"
      aria-label="Bind to a ServiceAccount"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <Field
        label="ServiceAccount"
        error={error}
        hint={`The ServiceAccount its pods run as in ${service.namespace}. Binding only narrows who holds the access, so it needs no approval; it cannot be undone.`}
      >
        <input type="text" value={value} onChange={(e) => setValue(e.target.value)} />
      </Field>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={update.isPending}>
          Bind service account
        </button>
      </div>
    </form>
  );
}

/** Warning and bind form for an unbound service; the lock note while grants are live. */
export function ServiceIdentityNotes({ service: s, role }: { service: Service; role: Role | null }) {
  const live = s.activeGrants + s.pendingGrants;
  return (
    <>
      {s.serviceAccount === null ? (
        <div className="callout callout-warn" role="note" aria-label="Unbound service">
          <p>
            <strong>Unbound:</strong> any pod labelled <code>{selectorText(s)}</code> in namespace{' '}
            <strong>{s.namespace}</strong> gets this service&apos;s access, whoever created it and whichever
            ServiceAccount it runs as. Bind it to the ServiceAccount its pods run as: the cluster then refuses
            other pods that carry these labels.
          </p>
          {can(role, 'services.write') ? <BindForm service={s} /> : null}
        </div>
      ) : null}
      {live > 0 ? (
        <div className="callout" role="note" aria-label="Identity locked">
          <p>
            <strong>Identity locked.</strong> Namespace, pod selector and ServiceAccount cannot change while
            this service holds {plural(s.activeGrants, 'active grant')} and{' '}
            {plural(s.pendingGrants, 'pending request')}: they were approved for exactly these pods. To move
            it, register a new service with the new identity and request its grants (they need the same
            approvals), then ask an approver to delete this one.
          </p>
        </div>
      ) : null}
    </>
  );
}

/** Delete, with the server's rule shown up front: revoking active grants is an approver's call. */
export function DeleteServiceButton({ service: s, role }: { service: Service; role: Role | null }) {
  const remove = useDeleteService();
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  if (!can(role, 'services.write')) return null;
  const blocked = s.activeGrants > 0 && !can(role, 'services.deleteWithGrants');
  return (
    <>
      <button
        type="button"
        className="btn btn-danger"
        disabled={blocked}
        title={
          blocked
            ? `Holds ${plural(s.activeGrants, 'active grant')}: only an approver or admin may delete it (that revokes approved access)`
            : undefined
        }
        onClick={() => setConfirming(true)}
      >
        Delete service
      </button>
      {blocked ? (
        <p className="muted">Only an approver or admin may delete a service with active grants.</p>
      ) : null}
      {confirming ? (
        <ConfirmDialog
          title="Delete service"
          description={<p>{s.name}</p>}
          consequence={`Its ${plural(s.activeGrants, 'active grant')} are revoked and ${plural(s.pendingGrants, 'pending request')} cancelled, each audited. This cannot be undone.`}
          confirmLabel="Delete service"
          pending={remove.isPending}
          error={remove.error}
          onClose={() => setConfirming(false)}
          onConfirm={() =>
            remove.mutate(s.id, {
              onSuccess: () => {
                setConfirming(false);
                showToast({ kind: 'success', title: `Service ${s.name} deleted` });
                void navigate({ to: '/services' });
              },
            })
          }
        />
      ) : null}
    </>
  );
}
