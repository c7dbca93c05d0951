import type { ComponentProps } from 'react';

import { SuggestInput } from '../../../components/ui/search-picker.tsx';
import { searchServiceOptions, serviceKeys } from '../api/services.queries.ts';

/** A text field that suggests registered services from the server as one types (see SuggestInput). */
export function ServiceSuggestInput(props: Omit<ComponentProps<typeof SuggestInput>, 'queryKey' | 'search'>) {
  return <SuggestInput {...props} queryKey={serviceKeys.all} search={searchServiceOptions} />;
}
