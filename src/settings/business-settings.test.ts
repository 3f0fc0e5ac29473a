import { describe, expect, it } from 'vitest';
import {
  type BusinessSettings,
  type SettingsForm,
  checkSettingsForm,
  hoursByWeekday,
  isWeakerPolicy,
  settingsChanges,
} from './business-settings';

const current: BusinessSettings = { weeklyHours: 'mon-fri 09:00-18:00', closedDates: [], japaneseHolidays: true, policy: 'standard' };
const ctx = { today: '2035-12-04', current, timeZone: 'Asia/Tokyo', now: new Date('2035-12-04T01:00:00Z') };
const form = (over: Partial<SettingsForm> = {}, hours: Partial<SettingsForm['hours']> = {}): SettingsForm => ({
  hours: { ...hoursByWeekday(current.weeklyHours), ...hours },
  closedDates: '',
  japaneseHolidays: true,
  policy: 'standard',
  confirmLower: false,
  ...over,
});

describe('the settings form', () => {
  it('shows a spec per weekday and turns the form back into the same calendar', () => {
    expect(hoursByWeekday('mon-fri 09:00-12:00,13:00-18:00; sat 10:00-14:00')).toEqual({
      mon: '09:00-12:00, 13:00-18:00',
      tue: '09:00-12:00, 13:00-18:00',
      wed: '09:00-12:00, 13:00-18:00',
      thu: '09:00-12:00, 13:00-18:00',
      fri: '09:00-12:00, 13:00-18:00',
      sat: '10:00-14:00',
      sun: '',
    });
    const checked = checkSettingsForm(form(), ctx);
    expect(checked).toEqual({
      ok: true,
      settings: { ...current, weeklyHours: 'mon 09:00-18:00; tue 09:00-18:00; wed 09:00-18:00; thu 09:00-18:00; fri 09:00-18:00' },
    });
    expect(checked.ok && settingsChanges(current, checked.settings)).toEqual({});
  });

  it('takes a changed Wednesday, full-width separators and closed dates (sorted, once each)', () => {
    const checked = checkSettingsForm(
      form({ closedDates: '2035-12-31\n2035-12-29, 2035-12-31' }, { wed: '13:00〜17:30、 09:00~11:00' }),
      ctx,
    );
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.settings.weeklyHours).toContain('wed 09:00-11:00,13:00-17:30');
    expect(checked.settings.closedDates).toEqual(['2035-12-29', '2035-12-31']);
    expect(settingsChanges(current, checked.settings)).toEqual({
      weeklyHours: { from: current.weeklyHours, to: checked.settings.weeklyHours },
      closedDates: { from: [], to: ['2035-12-29', '2035-12-31'] },
    });
  });

  it.each([
    [{ wed: '9-18' }, { field: 'wed', code: 'bad_range', text: '9-18' }],
    [{ wed: '09:10-18:00' }, { field: 'wed', code: 'not_step', text: '09:10-18:00' }],
    [{ wed: '18:00-09:00' }, { field: 'wed', code: 'end_before_start', text: '18:00-09:00' }],
    [{ wed: '09:00-12:00, 11:00-18:00' }, { field: 'wed', code: 'overlap' }],
    [{ wed: '09:00-25:00' }, { field: 'wed', code: 'bad_range', text: '09:00-25:00' }],
    [
      { mon: '', tue: '', wed: '', thu: '', fri: '' },
      { field: 'hours', code: 'never_open' },
    ],
  ])('refuses hours %j naming the field', (hours, problem) => {
    expect(checkSettingsForm(form({}, hours), ctx)).toEqual({ ok: false, problems: [problem] });
  });

  it('refuses a closed date that is malformed, in the past or over the limit, and an unknown policy', () => {
    const many = Array.from({ length: 101 }, (_, i) => `20${36 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`).join(
      '\n',
    );
    expect(checkSettingsForm(form({ closedDates: '2035-02-30 2035-12-03 2035-12-04' }), ctx)).toEqual({
      ok: false,
      problems: [
        { field: 'closedDates', code: 'bad_date', text: '2035-02-30' },
        { field: 'closedDates', code: 'past_date', text: '2035-12-03' },
      ],
    });
    expect(checkSettingsForm(form({ closedDates: many }), ctx)).toEqual({
      ok: false,
      problems: [{ field: 'closedDates', code: 'too_many', max: 100 }],
    });
    expect(checkSettingsForm(form({ policy: 'lenient' }), ctx)).toEqual({
      ok: false,
      problems: [{ field: 'policy', code: 'unknown_policy', text: 'lenient' }],
    });
  });

  it('asks for confirmation only when the preset is lowered', () => {
    expect(isWeakerPolicy('standard', 'mailbox')).toBe(true);
    expect(isWeakerPolicy('strict', 'standard')).toBe(true);
    expect(isWeakerPolicy('standard', 'strict')).toBe(false);
    expect(checkSettingsForm(form({ policy: 'mailbox' }), ctx)).toEqual({
      ok: false,
      problems: [{ field: 'confirmLower', code: 'confirm_lower', from: 'standard', to: 'mailbox' }],
    });
    expect(checkSettingsForm(form({ policy: 'mailbox', confirmLower: true }), ctx).ok).toBe(true);
    expect(checkSettingsForm(form({ policy: 'strict' }), ctx).ok).toBe(true);
  });
});
