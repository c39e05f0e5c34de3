import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { hostName } from "../shared/checks";
import { checkTags, nameTags } from "../shared/tags";
import { Problems } from "../shared/validation";

/** Arguments of {@link DomainCertificate}. */
export interface DomainCertificateArgs {
    /** Host name of the application, e.g. `app.example.com` (inside `hostedZoneName`). */
    readonly domainName: string;
    /** Existing public Route 53 hosted zone holding it, e.g. `example.com`. */
    readonly hostedZoneName: string;
    /** Tags added to the certificate (with a `Name` tag). */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** True when `domainName` is the zone's apex or a name inside it. */
export function isInZone(domainName: string, zoneName: string): boolean {
    return domainName === zoneName || domainName.endsWith(`.${zoneName}`);
}

/** Checks every argument of a DomainCertificate; one ValidationError lists every problem. */
export function resolveDomainCertificateArgs(name: string, args: DomainCertificateArgs) {
    const problems = new Problems(`DomainCertificate "${name}"`);
    const a = (args ?? {}) as Partial<DomainCertificateArgs>;
    const domainOk = problems.check("domainName", a.domainName, hostName);
    const zoneOk = problems.check("hostedZoneName", a.hostedZoneName, hostName);
    if (domainOk && zoneOk) {
        problems.expect(
            isInZone(a.domainName!, a.hostedZoneName!),
            "domainName",
            a.domainName,
            `is not inside hostedZoneName ${JSON.stringify(a.hostedZoneName)}: DNS validation writes its record in that zone`,
        );
    }
    checkTags(problems, "tags", a.tags);
    problems.throwIfAny();
    return { domainName: a.domainName as string, hostedZoneName: a.hostedZoneName as string };
}

/** A DomainCertificate's arguments once every check passed. */
export type DomainCertificateSettings = ReturnType<typeof resolveDomainCertificateArgs>;

/**
 * ACM certificate for the application's host name, validated by DNS in the
 * existing Route 53 zone. `certificateArn` resolves only once ACM has issued
 * it, so an HTTPS listener never points at a pending certificate.
 */
export class DomainCertificate extends pulumi.ComponentResource {
    /** ARN of the issued certificate (resolves after DNS validation). */
    public readonly certificateArn: pulumi.Output<string>;
    /** Id of the hosted zone (for alias records). */
    public readonly zoneId: pulumi.Output<string>;

    constructor(name: string, args: DomainCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
        const s = resolveDomainCertificateArgs(name, args);
        super("aws-webapp:index:DomainCertificate", name, {}, opts);
        const zone = aws.route53.getZoneOutput({ name: s.hostedZoneName, privateZone: false }, { parent: this });
        const cert = new aws.acm.Certificate(
            `${name}-cert`,
            { domainName: s.domainName, validationMethod: "DNS", tags: nameTags(`${name}-cert`, args.tags) },
            { parent: this },
        );
        const option = cert.domainValidationOptions[0];
        const record = new aws.route53.Record(
            `${name}-cert-validation`,
            {
                zoneId: zone.zoneId,
                name: option.resourceRecordName,
                type: option.resourceRecordType,
                records: [option.resourceRecordValue],
                ttl: 300,
                allowOverwrite: true,
            },
            { parent: this },
        );
        const validation = new aws.acm.CertificateValidation(
            `${name}-cert-validated`,
            { certificateArn: cert.arn, validationRecordFqdns: [record.fqdn] },
            { parent: this },
        );
        this.certificateArn = validation.certificateArn;
        this.zoneId = zone.zoneId;
        this.registerOutputs({ certificateArn: this.certificateArn, zoneId: this.zoneId });
    }
}
