import { describe, expect, it, vi } from 'vitest';

import { ApiError } from './api-client.ts';
import { applyServerErrors, formPathOf } from './form-errors.ts';

describe('server field errors', () => {
  it('turns API field names into form paths', () => {
    expect(formPathOf('body.port')).toBe('port');
    expect(formPathOf('body.ports[1].port')).toBe('ports.1.port');
    expect(formPathOf('body')).toBe('');
  });

  it('sets each matching field and reports whether any matched', () => {
    const setError = vi.fn();
    const error = new ApiError(
      400,
      'validation_failed',
      'invalid',
      [
        { field: 'body.port', message: '8080 is not a port of github.com' },
        { field: 'body.unknown', message: 'x' },
      ],
      'req-1',
    );
    expect(applyServerErrors(error, setError, ['port', 'justification'])).toBe(true);
    expect(setError).toHaveBeenCalledTimes(1);
    expect(setError).toHaveBeenCalledWith(
      'port',
      { type: 'server', message: '8080 is not a port of github.com' },
      { shouldFocus: true },
    );
    expect(applyServerErrors(new ApiError(409, 'duplicate', 'dup', [], null), setError, ['port'])).toBe(
      false,
    );
  });
});
