import * as pulumi from "@pulumi/pulumi";

/** Caller tags merged under a `Name` tag equal to the child's name. */
export function nameTags(
    name: string,
    tags: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined,
): pulumi.Output<Record<string, string>> {
    return pulumi.output(tags ?? {}).apply((t): Record<string, string> => ({ ...t, Name: name }));
}
