// One form for creating and editing a webhook: validated with the shared create schema (an edit sends
// every field, which the update schema accepts), server field errors put back on their fields.
import { CreateWebhookBodySchema, NOTIFICATION_EVENTS, type Webhook, WEBHOOK_FORMATS } from '@egress/shared';
import { useId } from 'react';
import { Controller, type UseFormRegisterReturn } from 'react-hook-form';
import type { z } from 'zod';

import { Field, FieldError } from '../../../components/ui/field.tsx';
import { FormActions } from '../../../components/ui/form-actions.tsx';
import { firstError } from '../../../lib/first-error.ts';
import { useSchemaForm } from '../../../lib/schema-form.ts';
import { EVENT_DESCRIPTIONS, FORMAT_LABELS } from '../webhook-format.ts';
import { TeamsInput } from './teams-input.tsx';

export type WebhookFormValues = z.output<typeof CreateWebhookBodySchema>;
const FIELDS = ['name', 'url', 'format', 'events', 'teams', 'enabled'] as const;

/** A group of choices (radios, checkboxes) with its legend and error, tied together for screen readers. */
function ChoiceGroup({
  legend,
  error,
  children,
}: {
  legend: string;
  error: string | undefined;
  children: React.ReactNode;
}) {
  const errorId = useId();
  return (
    <fieldset
      className={`field${error ? ' field-invalid' : ''}`}
      aria-describedby={error ? errorId : undefined}
    >
      <legend>{legend}</legend>
      {children}
      <FieldError id={errorId} label={legend} error={error} />
    </fieldset>
  );
}

function EventChoices({
  register,
  error,
}: {
  register: UseFormRegisterReturn<'events'>;
  error: string | undefined;
}) {
  return (
    <ChoiceGroup legend="Events" error={error}>
      <div className="stack-tight">
        {NOTIFICATION_EVENTS.map((event) => (
          <label key={event} className="check">
            <input type="checkbox" value={event} {...register} />
            <code>{event}</code>
            <span className="muted small">{EVENT_DESCRIPTIONS[event]}</span>
          </label>
        ))}
      </div>
    </ChoiceGroup>
  );
}

interface Props<R> {
  /** The webhook being edited; none to create one. */
  webhook?: Webhook | undefined;
  submitLabel: string;
  failure: string;
  send: (values: WebhookFormValues) => Promise<R>;
  onDone: (result: R) => void;
  onCancel: () => void;
}

export function WebhookForm<R>({ webhook, submitLabel, failure, send, onDone, onCancel }: Props<R>) {
  const { form, onSubmit } = useSchemaForm(CreateWebhookBodySchema, {
    defaultValues: webhook
      ? {
          name: webhook.name,
          url: webhook.url,
          format: webhook.format,
          events: webhook.events,
          teams: webhook.teams,
          enabled: webhook.enabled,
        }
      : {
          name: '',
          url: '',
          format: 'generic',
          events: ['grant.approval_needed', 'blocked_egress.alert'],
          teams: [],
          enabled: true,
        },
    send,
    onDone,
    fields: FIELDS,
    failure,
  });
  const { errors, isSubmitting } = form.formState;
  return (
    <form
      noValidate
      className="stack"
      onSubmit={onSubmit}
      aria-label={webhook ? `Edit webhook ${webhook.name}` : 'New webhook'}
    >
      <Field label="Name" error={errors.name?.message} hint="e.g. security-team Slack">
        <input type="text" autoFocus {...form.register('name')} />
      </Field>
      <Field
        label="URL"
        error={errors.url?.message}
        hint="Receives a POST for each event. For Slack, the incoming-webhook URL. No credentials in the URL: receivers check the signature."
      >
        <input type="url" inputMode="url" className="mono" {...form.register('url')} />
      </Field>
      <ChoiceGroup legend="Format" error={errors.format?.message}>
        <div className="segmented">
          {WEBHOOK_FORMATS.map((f) => (
            <label key={f} className="check">
              <input type="radio" value={f} {...form.register('format')} />
              {FORMAT_LABELS[f]}
            </label>
          ))}
        </div>
      </ChoiceGroup>
      <EventChoices register={form.register('events')} error={firstError(errors.events)} />
      <Controller
        control={form.control}
        name="teams"
        render={({ field }) => (
          <Field
            label="Teams (optional)"
            error={firstError(errors.teams)}
            hint="Only events about these teams' services; empty: all teams. Comma separated: payments, search"
          >
            <TeamsInput value={field.value} onChange={field.onChange} onBlur={field.onBlur} />
          </Field>
        )}
      />
      <label className="check">
        <input type="checkbox" {...form.register('enabled')} />
        Enabled (a disabled webhook is sent nothing)
      </label>
      <FormActions submit={submitLabel} submitting={isSubmitting} onCancel={onCancel} />
    </form>
  );
}
