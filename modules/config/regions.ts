/**
 * Region names AWS publishes for each partition. A region outside its partition's list is a typo or a
 * region this project has not been checked against, so the configuration rejects it at synth time.
 */
export const REGIONS_BY_PARTITION = {
  aws: [
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
  ],
  "aws-us-gov": ["us-gov-east-1", "us-gov-west-1"],
  "aws-cn": ["cn-north-1", "cn-northwest-1"],
} as const;

export type Partition = keyof typeof REGIONS_BY_PARTITION;

export const PARTITIONS = Object.keys(REGIONS_BY_PARTITION) as Partition[];

/** Every region of every partition, sorted: the values `region` fields accept (the partition is checked apart). */
export const KNOWN_REGIONS = [...new Set<string>(Object.values(REGIONS_BY_PARTITION).flat())].sort() as [string, ...string[]];

const ALL_REGIONS = new Set<string>(KNOWN_REGIONS);

export function isKnownRegion(region: string): boolean {
  return ALL_REGIONS.has(region);
}

export function isRegionInPartition(region: string, partition: Partition): boolean {
  return (REGIONS_BY_PARTITION[partition] as readonly string[]).includes(region);
}

/** The DNS suffix of a partition's service endpoints, used in `kms:ViaService` values. */
export function dnsSuffix(partition: Partition): string {
  return partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
}
