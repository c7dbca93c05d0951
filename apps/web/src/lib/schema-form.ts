// The form every create/edit dialog builds: react-hook-form validated by the shared zod schema, and a
// submit that sends the parsed body and hands the result on, with server field errors mapped back onto
// the fields (sendForm). One place, so each form states only its schema, defaults and request.
import { zodResolver } from '@hookform/resolvers/zod';
import type { SyntheticEvent } from 'react';
import { type DefaultValues, type FieldValues, useForm, type UseFormReturn } from 'react-hook-form';
import type { z } from 'zod';

import { sendForm } from './submit-form.ts';

interface SchemaFormOptions<In extends FieldValues, Out, R> {
  defaultValues: DefaultValues<In>;
  /** Sends the parsed values (the mutation). */
  send: (values: Out) => Promise<R>;
  onDone: (result: R) => void;
  /** The form's field names, for the server's 400 details. */
  fields: readonly string[];
  /** The toast's title when the failure names no field. */
  failure: string;
}

export function useSchemaForm<In extends FieldValues, Out extends FieldValues, R>(
  schema: z.ZodType<Out, In>,
  { defaultValues, send, onDone, fields, failure }: SchemaFormOptions<In, Out, R>,
): { form: UseFormReturn<In, unknown, Out>; onSubmit: (e: SyntheticEvent) => void } {
  const form = useForm<In, unknown, Out>({ resolver: zodResolver(schema), defaultValues });
  const submit = form.handleSubmit((values) =>
    sendForm(() => send(values), onDone, { setError: form.setError, fields, failure }),
  );
  return { form, onSubmit: (e) => void submit(e) };
}
