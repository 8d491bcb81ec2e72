/** An EventBridge event as a Lambda function receives it (no @types/aws-lambda in this project). */
export interface EventBridgeEvent<TDetailType extends string, TDetail> {
  readonly version?: string;
  readonly id?: string;
  readonly "detail-type": TDetailType;
  readonly source: string;
  readonly account?: string;
  readonly time?: string;
  readonly region: string;
  readonly resources?: readonly string[];
  readonly detail: TDetail;
}
