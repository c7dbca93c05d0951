import type { Settings } from '@egress/shared';
import { useMemo } from 'react';
import { type Resolver, useForm } from 'react-hook-form';

import { Field } from '../../../components/ui/field.tsx';
import { showToast } from '../../../components/ui/toast.tsx';
import { isApiError } from '../../../lib/api-client.ts';
import { toastError } from '../../../lib/toast-error.ts';
import { useUpdateSettings } from '../api/settings.mutations.ts';
import {
  buildPatch,
  describeSettings,
  type LeafSpec,
  type SectionSpec,
  serverError,
  toText,
} from './settings-model.ts';

/** The settings in the order an admin thinks of them; a key missing here lands in "Other". */
const GROUPS: { title: string; keys: string[] }[] = [
  { title: 'Enforcement', keys: ['enforcementMode', 'enforcedNamespaces', 'excludedNamespaces'] },
  {
    title: 'Gateways',
    keys: [
      'gatewayNamespace',
      'envoyImage',
      'gatewayResolver',
      'defaultGateway',
      'gatewayResources',
      'newDestinationMode',
    ],
  },
  {
    title: 'Cluster network',
    keys: ['podCidrs', 'serviceCidrs', 'internalCidrs', 'clusterDomain', 'dnsConfigMap', 'labelDomain'],
  },
  { title: 'Blocked traffic', keys: ['flowDedupWindowSeconds', 'flowRetentionDays'] },
  { title: 'Gateway usage', keys: ['usageRetentionDays', 'unusedGrantPolicy'] },
];

function grouped(sections: SectionSpec[]): { title: string; sections: SectionSpec[] }[] {
  const known = new Set(GROUPS.flatMap((g) => g.keys));
  const other = sections.filter((s) => !known.has(s.key));
  return [
    ...GROUPS.map((g) => ({
      title: g.title,
      sections: g.keys.flatMap((k) => sections.filter((s) => s.key === k)),
    })),
    { title: 'Other', sections: other },
  ].filter((g) => g.sections.length > 0);
}

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

/** One setting: its label tied to the control, a line of help, and the error naming it. */
function Leaf({
  leaf,
  form,
  error,
}: {
  leaf: LeafSpec;
  form: ReturnType<typeof useForm<Text>>;
  error: string | undefined;
}) {
  return (
    <Field label={leaf.label} error={error} hint={leaf.description}>
      <LeafInput leaf={leaf} register={form.register} />
    </Field>
  );
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
      details.forEach((d) => {
        const [path, message] = serverError(d.field, d.message, sections);
        form.setError(path, { type: 'server', message });
      });
      if (details.length === 0) toastError(error, 'The settings were not saved');
    }
  });

  return (
    <form noValidate onSubmit={(e) => void submit(e)} className="settings-form">
      {grouped(sections).map((group) => (
        <fieldset key={group.title} className="settings-section">
          <legend>{group.title}</legend>
          <div className="settings-leaves">
            {group.sections.map((section) =>
              section.leaves.length === 1 && section.leaves[0]?.path === section.key ? (
                <Leaf
                  key={section.key}
                  leaf={section.leaves[0]}
                  form={form}
                  error={errors[section.key]?.message}
                />
              ) : (
                <fieldset key={section.key} className="settings-subsection">
                  <legend>{section.title}</legend>
                  {section.description ? <p className="muted small">{section.description}</p> : null}
                  <div className="settings-leaves">
                    {section.leaves.map((leaf) => (
                      <Leaf key={leaf.path} leaf={leaf} form={form} error={errors[leaf.path]?.message} />
                    ))}
                  </div>
                </fieldset>
              ),
            )}
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
