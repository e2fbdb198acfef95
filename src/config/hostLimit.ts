/** Apple's licence, enforced by Virtualization.framework: at most 2 macOS VMs run at once per host. */
export const TART_VMS_PER_HOST = 2;

/**
 * Why a Tart pool of this size cannot run on one Mac (as a "field: message" line), or null.
 * `overrideHostLimit` is the explicit way past it.
 */
export function tartHostLimitProblem(pool: { size: number; overrideHostLimit: boolean }): string | null {
  if (pool.size <= TART_VMS_PER_HOST || pool.overrideHostLimit) return null;
  return (
    `pool.size: expected at most ${TART_VMS_PER_HOST} with provider "tart", got ${pool.size}: ` +
    `macOS runs at most ${TART_VMS_PER_HOST} VMs per host ` +
    `("The number of VMs exceeds the system limit"). Use size: ${TART_VMS_PER_HOST}, ` +
    'or provider "orchard" to spread the pool over several Macs; ' +
    `set pool.overrideHostLimit: true only if this host really runs more`
  );
}
