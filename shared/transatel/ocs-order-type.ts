/** OCS order type: `preload` on a Pre-activated SIM (starts when it activates), `subscribe` on an Active one. */
export const ocsOrderTypes = ['preload', 'subscribe'] as const;
export type OcsOrderType = (typeof ocsOrderTypes)[number];
