/** IAM policy documents as plain data, so policy builders are pure functions asserted exactly in tests. */
export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: Record<string, string | string[]> | "*";
    Action: string | string[];
    /** Absent in trust policies. */
    Resource?: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

export function policyDocument(statements: PolicyStatement[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: statements };
}

/** Trust policy letting one AWS service assume the role (trust policies carry no Resource element). */
export function trust(service: string, condition?: PolicyStatement["Condition"]): PolicyDocument {
    const statement: PolicyStatement = {
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
    };
    if (condition) statement.Condition = condition;
    return policyDocument([statement]);
}

/**
 * What the SSM agent on an instance needs for Session Manager (no SSH, no key
 * pair): register the instance (`instanceArns`, e.g. `arn:aws:ec2:<region>:<account>:instance/*`)
 * and open its message channels, actions that support no resource.
 */
export function sessionManagerStatements(instanceArns: string): PolicyStatement[] {
    return [
        {
            Sid: "SessionManagerRegistration",
            Effect: "Allow",
            Action: ["ssm:UpdateInstanceInformation"],
            Resource: instanceArns,
        },
        {
            // Session Manager's message channels; these actions support no resource.
            Sid: "SessionManagerChannels",
            Effect: "Allow",
            Action: [
                "ssmmessages:CreateControlChannel",
                "ssmmessages:CreateDataChannel",
                "ssmmessages:OpenControlChannel",
                "ssmmessages:OpenDataChannel",
                "ec2messages:AcknowledgeMessage",
                "ec2messages:DeleteMessage",
                "ec2messages:FailMessage",
                "ec2messages:GetEndpoint",
                "ec2messages:GetMessages",
                "ec2messages:SendReply",
            ],
            Resource: "*",
        },
    ];
}
