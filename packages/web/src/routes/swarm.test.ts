import { describe, expect, it } from 'vitest';
import { isRefusal, parseSwarmForm } from './swarm.ts';

function form(fields: Record<string, string>): ReturnType<typeof parseSwarmForm> {
  return parseSwarmForm(new Map(Object.entries(fields).map(([k, v]) => [k, [v]])), []);
}

describe('parseSwarmForm: profile', () => {
  it("reads Locust's profile field, without markup characters", () => {
    const parsed = form({ user_count: '2', spawn_rate: '1', profile: ' nightly <8b> ' });
    expect(isRefusal(parsed)).toBe(false);
    expect(parsed).toMatchObject({ users: 2, spawnRate: 1, profile: 'nightly 8b' });
  });

  it('leaves the profile alone when the field is not posted, and clears it when posted empty', () => {
    expect(form({ user_count: '2', spawn_rate: '1' })).not.toHaveProperty('profile');
    expect(form({ user_count: '2', spawn_rate: '1', profile: '' })).toMatchObject({ profile: '' });
  });
});

describe('parseSwarmForm: user_classes (--class-picker)', () => {
  const fields = (classes: string[]) =>
    new Map<string, string[]>([
      ['user_count', ['2']],
      ['spawn_rate', ['1']],
      ['user_classes', classes],
    ]);

  it('takes every ticked class when the picker is on', () => {
    expect(parseSwarmForm(fields(['A', 'B']), [], ['A', 'B', 'C'])).toMatchObject({ userClasses: ['A', 'B'] });
  });

  it('refuses a class the run does not have, naming it', () => {
    expect(parseSwarmForm(fields(['A', 'Nope']), [], ['A', 'B'])).toEqual({ status: 400, message: 'Unknown User(s): Nope' });
  });

  it('ignores the field without the picker: the classes stay the command line ones', () => {
    expect(parseSwarmForm(fields(['Nope']), [])).not.toHaveProperty('userClasses');
  });
});
