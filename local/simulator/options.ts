export interface SubscriberOption {
  name: string;
  value: string;
}

interface OnOffOption {
  kind: 'onoff';
  name: string;
  defaultValue: 'on' | 'off';
  /** Multiple-choice group: switching one member on turns the others off. */
  group?: string;
}

interface ChoiceOption {
  kind: 'choice';
  name: string;
  choices: string[];
  defaultValue: string;
}

type OptionDef = OnOffOption | ChoiceOption;

export const PRICING_OPTION = 'OFFER_901_IOT_CONNECT_CAP_PRICING';

const FAIR_USE = 'DATA_FAIR_USE';

/** The account's option catalog ("Catalogue > Options" in the portal). */
const OPTION_DEFS: OptionDef[] = [
  { kind: 'onoff', name: 'DATA', defaultValue: 'on' },
  { kind: 'onoff', name: 'SMS_MO', defaultValue: 'on' },
  { kind: 'onoff', name: 'SMS_MT', defaultValue: 'on' },
  { kind: 'onoff', name: 'RESTRICT_NO_THRESHOLD', defaultValue: 'on', group: FAIR_USE },
  { kind: 'onoff', name: 'RESTRICT_THRESHOLD_250MB', defaultValue: 'off', group: FAIR_USE },
  { kind: 'onoff', name: 'RESTRICT_THRESHOLD_500MB', defaultValue: 'off', group: FAIR_USE },
  { kind: 'onoff', name: 'RESTRICT_THRESHOLD_1GB', defaultValue: 'off', group: FAIR_USE },
  { kind: 'onoff', name: 'RESTRICT_THRESHOLD_2GB', defaultValue: 'off', group: FAIR_USE },
  // Bundles (capped) pricing is the default; the pay-per-use label is not published, IOTC_REF_PPU is ours.
  {
    kind: 'choice',
    name: PRICING_OPTION,
    choices: ['IOTC_REF_BUNDLES', 'IOTC_REF_PPU'],
    defaultValue: 'IOTC_REF_BUNDLES',
  },
];

const DEFS_BY_NAME = new Map(OPTION_DEFS.map((d) => [d.name, d]));

export function defaultOptions(): SubscriberOption[] {
  return OPTION_DEFS.map((d) => ({ name: d.name, value: d.defaultValue }));
}

/** Returns a 400 detail for the first invalid option, or undefined when all are valid. */
export function optionsError(requested: readonly SubscriberOption[], field = 'options'): string | undefined {
  for (const [i, opt] of requested.entries()) {
    const def = DEFS_BY_NAME.get(opt.name);
    if (!def) return `Invalid field '${field}[${i}].name': unknown option '${opt.name}'`;
    if (def.kind === 'onoff' && opt.value !== 'on' && opt.value !== 'off') {
      return `Invalid field '${field}[${i}].value': option '${opt.name}' accepts 'on' or 'off', got '${opt.value}'`;
    }
    if (def.kind === 'choice' && !def.choices.includes(opt.value)) {
      return `Invalid field '${field}[${i}].value': option '${opt.name}' accepts ${def.choices.join(', ')}, got '${opt.value}'`;
    }
  }
  return undefined;
}

/** Applies requested options on top of the current ones, honouring multiple-choice groups. */
export function applyOptions(
  current: readonly SubscriberOption[],
  requested: readonly SubscriberOption[],
): SubscriberOption[] {
  const values = new Map<string, string>(defaultOptions().map((o) => [o.name, o.value]));
  for (const o of current) values.set(o.name, o.value);
  for (const o of requested) {
    const def = DEFS_BY_NAME.get(o.name);
    if (def?.kind === 'onoff' && def.group && o.value === 'on') {
      for (const other of OPTION_DEFS) {
        if (other.kind === 'onoff' && other.group === def.group) values.set(other.name, 'off');
      }
    }
    values.set(o.name, o.value);
  }
  for (const def of OPTION_DEFS) {
    if (def.kind !== 'onoff' || !def.group || def.defaultValue !== 'on') continue;
    const members = OPTION_DEFS.filter((d) => d.kind === 'onoff' && d.group === def.group);
    if (!members.some((m) => values.get(m.name) === 'on')) values.set(def.name, 'on');
  }
  return OPTION_DEFS.map((d) => ({ name: d.name, value: values.get(d.name) ?? d.defaultValue }));
}
