import type { Settings } from '@egress/shared';
import { useMemo } from 'react';
import { useForm, type Resolver } from 'react-hook-form';

import { Field } from '../../../components/ui/field.tsx';
import { showToast } from '../../../components/ui/toast.tsx';
import { isApiError } from '../../../lib/api-client.ts';
import { toastError } from '../../../lib/toast-error.ts';
import { useUpdateSettings } from '../api/settings.mutations.ts';
import { buildPatch, describeSettings, leafPathFor, toText, type LeafSpec } from './settings-model.ts';

type Text = Record<string, string>;

/** The control of one leaf; Field's id and aria props are passed on, so the label names the control. */
function LeafInput({
  leaf,
  register,
  ...aria
}: {
  leaf: LeafSpec;
  register: ReturnType<typeof useForm<Text>>['register'];
  id?: string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}) {
  if (leaf.kind === 'list') return <textarea rows={3} {...aria} {...register(leaf.path)} />;
  if (leaf.kind === 'choice')
    return (
      <select {...aria} {...register(leaf.path)}>
        {leaf.options?.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  return <input type={leaf.kind === 'number' ? 'number' : 'text'} {...aria} {...register(leaf.path)} />;
}

export function SettingsForm({ settings }: { settings: Settings }) {
  const sections = useMemo(() => describeSettings(settings), [settings]);
  const initial = useMemo(() => toText(settings, sections), [settings, sections]);
  const update = useUpdateSettings();
  // The shared schema judges each changed setting; the resolver only adapts text to it.
  const resolver: Resolver<Text> = (values) => {
    const { errors } = buildPatch(sections, values, initial);
    const entries = Object.entries(errors);
    return entries.length
      ? {
          values: {},
          errors: Object.fromEntries(entries.map(([p, message]) => [p, { type: 'schema', message }])),
        }
      : { values, errors: {} };
  };
  const form = useForm<Text>({ resolver, defaultValues: initial, values: initial });
  const { errors, isSubmitting, isDirty } = form.formState;

  const submit = form.handleSubmit(async (values) => {
    const { patch } = buildPatch(sections, values, initial);
    if (Object.keys(patch).length === 0) return;
    try {
      await update.mutateAsync(patch);
      showToast({
        kind: 'success',
        title: 'Settings saved',
        message: 'The desired state is recompiled with them.',
      });
    } catch (error) {
      const details = isApiError(error) && error.status === 400 ? error.details : [];
      details.forEach((d) =>
        form.setError(
          leafPathFor(
            d.field
              .replace(/^body\.?/, '')
              .split(/[.[\]]/)
              .filter(Boolean),
            sections,
          ),
          { type: 'server', message: d.message },
        ),
      );
      if (details.length === 0) toastError(error, 'The settings were not saved');
    }
  });

  return (
    <form noValidate onSubmit={(e) => void submit(e)} className="settings-form">
      {sections.map((section) => (
        <fieldset key={section.key} className="settings-section">
          <legend>{section.title}</legend>
          {section.description ? <p className="muted small">{section.description}</p> : null}
          <div className="settings-leaves">
            {section.leaves.map((leaf) => (
              <Field
                key={leaf.path}
                label={leaf.label}
                error={errors[leaf.path]?.message}
                hint={
                  leaf.kind === 'list' ? `${leaf.description ?? ''} One per line.`.trim() : leaf.description
                }
              >
                <LeafInput leaf={leaf} register={form.register} />
              </Field>
            ))}
          </div>
        </fieldset>
      ))}
      <div className="actions sticky-actions">
        <button type="button" className="btn" disabled={!isDirty} onClick={() => form.reset(initial)}>
          Discard changes
        </button>
        <button type="submit" className="btn btn-primary" disabled={!isDirty || isSubmitting}>
          Save settings
        </button>
      </div>
    </form>
  );
}
