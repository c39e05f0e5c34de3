/** The Pulumi type token of a resource class (`aws:ec2/securityGroup:SecurityGroup`). */
export function typeToken(resourceClass: object): string {
    const token = (resourceClass as { __pulumiType?: unknown }).__pulumiType;
    if (typeof token !== "string" || token === "") throw new Error("not a Pulumi resource class");
    return token;
}
