export interface CountryInfo {
  iso3: string;
  mcc: string;
  mnc: string;
}

/** The countries the seeded catalog and CDRs use, with one plausible home network each. */
export const COUNTRIES: Readonly<Record<string, CountryInfo>> = {
  FR: { iso3: 'FRA', mcc: '208', mnc: '01' },
  DE: { iso3: 'DEU', mcc: '262', mnc: '01' },
  ES: { iso3: 'ESP', mcc: '214', mnc: '01' },
  IT: { iso3: 'ITA', mcc: '222', mnc: '01' },
  PT: { iso3: 'PRT', mcc: '268', mnc: '01' },
  BE: { iso3: 'BEL', mcc: '206', mnc: '01' },
  NL: { iso3: 'NLD', mcc: '204', mnc: '08' },
  AT: { iso3: 'AUT', mcc: '232', mnc: '01' },
  IE: { iso3: 'IRL', mcc: '272', mnc: '01' },
  LU: { iso3: 'LUX', mcc: '270', mnc: '01' },
  PL: { iso3: 'POL', mcc: '260', mnc: '01' },
  SE: { iso3: 'SWE', mcc: '240', mnc: '01' },
  GB: { iso3: 'GBR', mcc: '234', mnc: '15' },
  CH: { iso3: 'CHE', mcc: '228', mnc: '01' },
  US: { iso3: 'USA', mcc: '310', mnc: '410' },
  CA: { iso3: 'CAN', mcc: '302', mnc: '720' },
  MX: { iso3: 'MEX', mcc: '334', mnc: '020' },
  BR: { iso3: 'BRA', mcc: '724', mnc: '05' },
  JP: { iso3: 'JPN', mcc: '440', mnc: '10' },
  AU: { iso3: 'AUS', mcc: '505', mnc: '01' },
  SG: { iso3: 'SGP', mcc: '525', mnc: '01' },
  ZA: { iso3: 'ZAF', mcc: '655', mnc: '01' },
  IN: { iso3: 'IND', mcc: '404', mnc: '10' },
};

export const EU_ZONE = ['FR', 'DE', 'ES', 'IT', 'PT', 'BE', 'NL', 'AT', 'IE', 'LU', 'PL', 'SE'];
export const NA_ZONE = ['US', 'CA', 'MX'];
export const WORLD_ZONE = [...EU_ZONE, 'GB', 'CH', ...NA_ZONE, 'BR', 'JP', 'AU', 'SG', 'ZA', 'IN'];

export function iso3Of(iso2: string): string {
  const info = COUNTRIES[iso2];
  if (!info) throw new Error(`No ISO-3 code for ${iso2}`);
  return info.iso3;
}

/** Unknown countries still get a CDR, on a test network (MCC 001 is reserved for tests). */
export function networkOf(iso2: string): { mcc: string; mnc: string } {
  const info = COUNTRIES[iso2];
  return info ? { mcc: info.mcc, mnc: info.mnc } : { mcc: '001', mnc: '01' };
}
