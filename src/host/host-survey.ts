/**
 * What `rum up` needs to know of the libvirt host before it changes anything,
 * asked in one virsh process: each pool's state, a refresh (so files changed
 * behind libvirt's back count) and its volumes, and the networks' state.
 * Asked one process per question, that was ten processes at ~20 ms each in
 * every cold `rum up`; the answers decide only what to create, so a volume
 * made since by another rum is still handled by the create that fails or the
 * check under the import lock.
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

export interface HostSurvey {
  pools: Map<string, PoolSurvey>;
  /** `net-info` of each network asked about; null when it is not defined. */
  networks: Map<string, string | null>;
}

export async function surveyHost(
  v: Virsh,
  ask: { pools: string[]; networks: string[] },
): Promise<HostSurvey> {
  const { pools, networks } = ask;
  const answers = await v.batch([
    ...pools.flatMap((p) => [
      ["pool-info", p],
      ["pool-refresh", p],
      ["vol-list", "--pool", p],
    ]),
    ...networks.map((n) => ["net-info", n]),
  ]);
  const poolSurveys = pools.map((pool, i): [string, PoolSurvey] => {
    const [info, refresh, list] = answers.slice(i * 3, i * 3 + 3);
    if (!info || !refresh || !list) throw new Error("bug: a pool survey answer is missing");
    return [
      pool,
      {
        info: v.found(info),
        refreshed: refresh.ok || BUSY.test(refresh.stderr),
        volumes: list.ok ? new Set(parseVolumeList(list.stdout)) : null,
      },
    ];
  });
  const netInfos = networks.map((n, i): [string, string | null] => {
    const answer = answers[pools.length * 3 + i];
    if (!answer) throw new Error("bug: a network survey answer is missing");
    return [n, v.found(answer)];
  });
  return { pools: new Map(poolSurveys), networks: new Map(netInfos) };
}

/** Whether the survey shows `name` in its pool; asks libvirt when the survey can't say. */
export async function surveyedVolume(
  survey: PoolSurvey,
  name: string,
  ask: () => Promise<boolean>,
): Promise<boolean> {
  return survey.volumes ? survey.volumes.has(name) : ask();
}
