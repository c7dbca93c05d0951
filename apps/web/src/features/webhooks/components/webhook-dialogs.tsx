// The dialogs around one webhook, used by the list and the detail page alike.
import type { Webhook } from '@egress/shared';
import { useState } from 'react';

import { ConfirmDialog } from '../../../components/ui/confirm-dialog.tsx';
import { Dialog } from '../../../components/ui/dialog.tsx';
import { RefusedNotice } from '../../../components/ui/error-panel.tsx';
import { ShownOnce } from '../../../components/ui/shown-once.tsx';
import { showToast } from '../../../components/ui/toast.tsx';
import {
  useCreateWebhook,
  useDeleteWebhook,
  useRotateSecret,
  useTestWebhook,
  useUpdateWebhook,
  type WebhookWithSecret,
} from '../api/webhooks.mutations.ts';
import { WebhookForm } from '../forms/webhook-form.tsx';
import { testAnswer, urlHost } from '../webhook-format.ts';

function SecretView({ secret, onDone }: { secret: string; onDone: () => void }) {
  return (
    <ShownOnce
      label="Signing secret"
      value={secret}
      copyLabel="Copy secret"
      warning="Copy the signing secret now: it is shown only once. Receivers use it to check that a request really came from Egress Control (the signature header of each delivery)."
      onDone={onDone}
    />
  );
}

/** Create, then show the signing secret once in the same dialog. */
export function CreateWebhookDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const create = useCreateWebhook();
  const [created, setCreated] = useState<WebhookWithSecret | null>(null);
  const close = () => {
    setCreated(null);
    create.reset();
    onClose();
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      title={created ? `Webhook ${created.name} created` : 'New webhook'}
      wide
    >
      {created ? (
        <SecretView secret={created.secret} onDone={close} />
      ) : (
        <WebhookForm
          submitLabel="Create webhook"
          failure="The webhook was not created"
          send={(body) => create.mutateAsync(body)}
          onDone={setCreated}
          onCancel={close}
        />
      )}
    </Dialog>
  );
}

export function EditWebhookDialog({ webhook, onClose }: { webhook: Webhook; onClose: () => void }) {
  const update = useUpdateWebhook();
  return (
    <Dialog open onClose={onClose} title={`Edit webhook ${webhook.name}`} wide>
      <WebhookForm
        webhook={webhook}
        submitLabel="Save webhook"
        failure="The webhook was not saved"
        send={(body) => update.mutateAsync({ id: webhook.id, body })}
        onDone={() => {
          onClose();
          showToast({ kind: 'success', title: `Webhook ${webhook.name} saved` });
        }}
        onCancel={onClose}
      />
    </Dialog>
  );
}

export function DeleteWebhookDialog({
  webhook,
  onClose,
  onDeleted,
}: {
  webhook: Webhook;
  onClose: () => void;
  onDeleted?: () => void;
}) {
  const remove = useDeleteWebhook();
  return (
    <ConfirmDialog
      title="Delete webhook"
      description={
        <p>
          {webhook.name} → {urlHost(webhook.url)}
        </p>
      }
      consequence="Nothing more is sent to it, and its delivery log is deleted with it. This cannot be undone."
      confirmLabel="Delete webhook"
      pending={remove.isPending}
      error={remove.error}
      onConfirm={() =>
        remove.mutate(webhook.id, {
          onSuccess: () => {
            onClose();
            showToast({ kind: 'success', title: `Webhook ${webhook.name} deleted` });
            onDeleted?.();
          },
        })
      }
      onClose={onClose}
    />
  );
}

/** Confirm, rotate, then show the new secret once. The old secret stops working at once. */
export function RotateSecretDialog({ webhook, onClose }: { webhook: Webhook; onClose: () => void }) {
  const rotate = useRotateSecret();
  const failure = rotate.error;
  return (
    <Dialog
      open
      onClose={onClose}
      title={rotate.data ? 'New signing secret' : 'Rotate signing secret'}
      description={<p>{webhook.name}</p>}
    >
      {rotate.data ? (
        <SecretView secret={rotate.data.secret} onDone={onClose} />
      ) : (
        <div className="stack">
          <p>
            Deliveries are signed with a new secret from now on; receivers checking the old one reject them
            until they are updated.
          </p>
          <RefusedNotice error={failure} />
          <div className="actions">
            <button type="button" className="btn" onClick={onClose}>
              Back
            </button>
            <button
              type="button"
              className="btn btn-danger"
              disabled={rotate.isPending}
              onClick={() => rotate.mutate(webhook.id)}
            >
              Rotate secret
            </button>
          </div>
        </div>
      )}
    </Dialog>
  );
}

/**
 * "Send test": the API sends it while we wait and answers with what the receiver said; the toast tells
 * that answer (status and time, or the error), never "sent" for something only queued.
 */
export function useSendTest() {
  const test = useTestWebhook();
  return {
    pending: test.isPending,
    send: (webhook: Webhook) =>
      test.mutate(webhook.id, {
        onSuccess: (r) =>
          showToast(
            r.status === 'succeeded'
              ? { kind: 'success', title: `${webhook.name} answered the test`, message: testAnswer(r) }
              : { kind: 'error', title: `${webhook.name} failed the test`, message: testAnswer(r) },
          ),
      }),
  };
}
