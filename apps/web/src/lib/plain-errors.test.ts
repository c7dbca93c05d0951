import { describe, expect, it } from 'vitest';

import { fieldWords, plainFieldError } from './plain-errors.ts';

describe('plain-language field errors', () => {
  it('says what to do when a field the person must fill is empty', () => {
    expect(plainFieldError('Reason', 'must be at least 1 character')).toBe(
      'Tell the requester why; they will see this.',
    );
    expect(plainFieldError('Justification', 'must be at least 10 characters')).toMatch(
      /^Tell the approvers why the service needs this/,
    );
    expect(plainFieldError('Service', 'must not be empty')).toBe('Choose a service.');
    expect(plainFieldError('Port', 'must be an integer')).toBe('Choose a port.');
    expect(plainFieldError('Name', 'Invalid input: expected string, received undefined')).toBe(
      'Give it a name.',
    );
    // The label's "(optional)" does not hide it.
    expect(plainFieldError('Comment (optional)', 'must not be empty')).toMatch(/^Add a comment/);
  });

  it('rewrites the schema fragments for any field', () => {
    expect(plainFieldError('Port', 'must be between 1 and 65535')).toBe('Enter a port from 1 to 65535.');
    expect(plainFieldError('Threshold', 'must be between 1 and 1000000')).toBe(
      'Enter a whole number from 1 to 1000000.',
    );
    expect(plainFieldError('Description', 'must be at most 2000 characters')).toBe(
      'Keep it to 2000 characters or fewer.',
    );
    expect(plainFieldError('Window', 'must be an integer')).toBe('Enter a whole number.');
    expect(plainFieldError('Email', 'must be an email address')).toBe(
      'Enter an e-mail address, like name@example.com.',
    );
    expect(plainFieldError('Minimum', 'Too small: expected number to be >=1')).toBe('Check this value.');
  });

  it('names the field in front of any other "must …", and passes sentences through', () => {
    expect(
      plainFieldError('ServiceAccount', 'must be a DNS-1123 subdomain: lower-case letters, digits'),
    ).toBe('ServiceAccount must be a DNS-1123 subdomain: lower-case letters, digits.');
    expect(plainFieldError('Expiry', 'must be in the future')).toBe('Expiry must be in the future.');
    expect(
      plainFieldError('Gateway namespace', 'Gateway namespace must be a DNS-1123 label: lower-case'),
    ).toBe('Gateway namespace must be a DNS-1123 label: lower-case.');
    expect(plainFieldError('Destination', '"x.example" is not a registered destination')).toBe(
      '"x.example" is not a registered destination.',
    );
    expect(plainFieldError('Reason', undefined)).toBeUndefined();
  });

  it('turns server field paths into words', () => {
    expect(fieldWords('body.reason')).toBe('Reason');
    expect(fieldWords('body.gateway.minReplicas')).toBe('Gateway min replicas');
    expect(fieldWords('body.ports[1].port')).toBe('Ports port');
    expect(fieldWords('body')).toBe('The request');
  });
});
