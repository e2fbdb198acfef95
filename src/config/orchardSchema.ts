import { z } from 'zod';

/**
 * `pool.orchard`: the controller and its service account. Each field falls back on its own:
 * ORCHARD_URL / ORCHARD_SERVICE_ACCOUNT_NAME / ORCHARD_SERVICE_ACCOUNT_TOKEN, then the default
 * context of ~/.orchard/orchard.yml (`orchard context create`).
 */
export const orchardSchema = z
  .object({
    /** The OCI image VMs start from, e.g. "ghcr.io/acme/chatstats-ready:latest" (default: pool.snapshot). */
    image: z.string().min(1).optional(),
    url: z.string().min(1, 'the controller URL, e.g. "https://orchard.example.com:6120"').optional(),
    serviceAccountName: z.string().min(1).optional(),
    serviceAccountToken: z.string().min(1).optional(),
    /** The controller's certificate to pin: PEM text, or a path to it (relative to the config file). */
    certificate: z.string().min(1).optional(),
    /** A VM still `pending` this long is reported with the fleet's free capacity, and the pool runs without it. */
    pendingTimeoutMs: z.number().int().positive().default(120_000),
    /** Worker labels the VMs require (Orchard schedules a VM only on workers carrying all of them). */
    labels: z.record(z.string(), z.string()).default({}),
  })
  .strict();

/** `pool.providers`: a hybrid pool, slots given to each provider in order (e.g. 2 local Tart VMs, then Orchard). */
export const providersSchema = z
  .array(
    z
      .object({
        provider: z.enum(['sandbox', 'tart', 'orchard']),
        size: z.number().int().min(1).max(64),
        /** This provider's snapshot or image, when it differs from pool.snapshot (e.g. an OCI image for Orchard). */
        snapshot: z.string().min(1).optional(),
      })
      .strict(),
  )
  .min(1, 'at least one { provider, size }');

export type OrchardSettings = z.output<typeof orchardSchema>;
