// ImagePipeline: uploads under uploads/ are resized into renders/ by a
// Lambda, which announces each rendition on an SNS topic (email here).
import * as pulumi from "@pulumi/pulumi";
import { ImagePipeline } from "@aws-webapp/aws-webapp";

const config = new pulumi.Config();

const images = new ImagePipeline("images", {
    renditionWidths: { thumbnail: 160, medium: 800, large: 1600 },
    notificationEmails: [config.require("notificationEmail")],
    logRetentionDays: 14,
});

export const bucketName = images.bucketName;
export const topicArn = images.topicArn;
export const functionName = images.functionName;
