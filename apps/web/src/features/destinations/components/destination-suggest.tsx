import type { ComponentProps } from 'react';

import { SuggestInput } from '../../../components/ui/search-picker.tsx';
import { destinationKeys, searchDestinationOptions } from '../api/destinations.queries.ts';

/** A text field that suggests registered destinations from the server as one types (see SuggestInput). */
export function DestinationSuggestInput(
  props: Omit<ComponentProps<typeof SuggestInput>, 'queryKey' | 'search'>,
) {
  return <SuggestInput {...props} queryKey={destinationKeys.all} search={searchDestinationOptions} />;
}
