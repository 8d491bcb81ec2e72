import { ServicequotasServiceQuota } from "@cdktf/provider-aws/lib/servicequotas-service-quota";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";

/** Properties of a {@link ServiceQuotaIncrease}. */
export interface ServiceQuotaIncreaseProps {
  /** The provider of the account and region whose quota is raised (regional quotas are per region). */
  readonly provider: TerraformProvider;
  /** Service Quotas service code, e.g. `ebs`. */
  readonly serviceCode: string;
  /** Service Quotas quota code, e.g. `L-309BACF6`. */
  readonly quotaCode: string;
  /** The value asked for (whole number, at least 1). */
  readonly value: number;
}

const SERVICE_CODE = /^[a-z0-9-]{2,63}$/;
const QUOTA_CODE = /^L-[0-9A-F]{8}$/;

/**
 * An `aws_servicequotas_service_quota`: when the value is above the account's current value, Terraform submits a
 * quota increase request (terraform-provider-aws, servicequotas_service_quota: `service_code`, `quota_code` and
 * `value`, the three arguments provider 5.100 and 6.x both accept). The request is reviewed by AWS; the resource
 * does not wait for it.
 */
export class ServiceQuotaIncrease extends Construct {
  readonly quota: ServicequotasServiceQuota;

  constructor(scope: Construct, id: string, props: ServiceQuotaIncreaseProps) {
    super(scope, id);
    if (!SERVICE_CODE.test(props.serviceCode)) throw new Error(`Expected a Service Quotas service code (e.g. 'ebs'), got '${props.serviceCode}'`);
    if (!QUOTA_CODE.test(props.quotaCode)) throw new Error(`Expected a Service Quotas quota code (L- and 8 hexadecimal digits), got '${props.quotaCode}'`);
    if (!Number.isInteger(props.value) || props.value < 1) throw new Error(`Expected the quota value to be a whole number of at least 1, got ${props.value}`);
    this.quota = new ServicequotasServiceQuota(this, "quota", {
      provider: props.provider,
      serviceCode: props.serviceCode,
      quotaCode: props.quotaCode,
      value: props.value,
    });
  }
}
