import { describe, expect, it } from 'vitest';
import { withTelemetryDisabled } from './next-telemetry';

describe('withTelemetryDisabled', () => {
  it('turns Next telemetry off unless the operator chose', () => {
    expect(withTelemetryDisabled({} as Record<string, string | undefined>).NEXT_TELEMETRY_DISABLED).toBe('1');
    expect(withTelemetryDisabled({ NEXT_TELEMETRY_DISABLED: '' }).NEXT_TELEMETRY_DISABLED).toBe('1');
    expect(withTelemetryDisabled({ NEXT_TELEMETRY_DISABLED: '0' }).NEXT_TELEMETRY_DISABLED).toBe('0');
  });
});
