/**
 * What "preparing storage" needs to know before it changes anything, asked of
 * libvirt in one virsh process: each pool's state, a refresh (so files changed
 * behind libvirt's back count) and its volumes. Asked one process per question,
 * that was nine processes at ~20 ms each in every cold `rum up`; the answers
 * decide only what to create, so a volume made since by another rum is still
 * handled by the create that fails or the check under the import lock.
 */
import { parseVolumeList } from "./pool";
import type { Virsh } from "./virsh";

export interface PoolSurvey {
  /** `pool-info`; null when the pool is not defined. */
  info: string | null;
  /** Whether the refresh took (or another rum's upload holds the pool, which is then current). */
  refreshed: boolean;
  /** The pool's volumes; null when they could not be listed (pool absent or inactive). */
  volumes: ReadonlySet<string> | null;
}

const BUSY = /asynchronous jobs running/i;

export async function surveyPools(v: Virsh, pools: string[]): Promise<Map<string, PoolSurvey>> {
  const answers = await v.batch(
    pools.flatMap((p) => [
      ["pool-info", p],
      ["pool-refresh", p],
      ["vol-list", "--pool", p],
    ]),
  );
  return new Map(
    pools.map((pool, i) => {
      const [info, refresh, list] = answers.slice(i * 3, i * 3 + 3);
      if (!info || !refresh || !list) throw new Error("bug: a pool survey answer is missing");
      const survey: PoolSurvey = {
        info: v.found(info),
        refreshed: refresh.ok || BUSY.test(refresh.stderr),
        volumes: list.ok ? new Set(parseVolumeList(list.stdout)) : null,
      };
      return [pool, survey];
    }),
  );
}

/** Whether the survey shows `name` in its pool; asks libvirt when the survey can't say. */
export async function surveyedVolume(
  survey: PoolSurvey,
  name: string,
  ask: () => Promise<boolean>,
): Promise<boolean> {
  return survey.volumes ? survey.volumes.has(name) : ask();
}
