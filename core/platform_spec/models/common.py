"""What every part of the spec shares: the frozen model base, value types and AWS's fixed lists."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

# Commercial AWS regions; the platform rejects anything else so that typos fail here,
# not halfway through a deploy.
AWS_REGIONS = (
    "af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
    "ap-southeast-4", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2",
    "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
    "il-central-1", "me-central-1", "me-south-1", "sa-east-1", "us-east-1", "us-east-2",
    "us-west-1", "us-west-2",
)  # fmt: skip

# Interface endpoints the network can create, by the service-name suffix AWS uses.
INTERFACE_ENDPOINTS = (
    "ecr.api", "ecr.dkr", "sts", "logs", "sqs", "eks", "eks-auth", "ec2", "ssm", "kms",
    "elasticloadbalancing", "autoscaling", "monitoring",
)  # fmt: skip

AccountRole = Literal["data", "training", "registry", "security"]
KeyService = Literal[
    "s3", "ec2", "eks", "ecr", "sqs", "sns", "rds", "secretsmanager", "glue", "fsx", "sagemaker", "logs"
]
ACCOUNT_ROLES: tuple[str, ...] = ("data", "training", "registry", "security")
# EKS managed add-ons every cluster runs, each at a pinned version.
EKS_ADDONS = ("vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver", "eks-pod-identity-agent")
# Retention periods CloudWatch Logs accepts.
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip
DATA_FORMATS = (
    "mcap", "rosbag", "mdf4", "parquet", "images", "video", "point-clouds", "json",
    "opendrive", "openscenario",
)  # fmt: skip


def _region(value: str) -> str:
    if value not in AWS_REGIONS:
        raise ValueError(f"not an AWS region; allowed: {', '.join(AWS_REGIONS)}")
    return value


def _key(value: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9-]{0,30}[a-z0-9]", value):
        raise ValueError("a key is 2 to 32 characters of a-z, 0-9 and '-', starting with a letter")
    return value


def _account_id(value: str) -> str:
    if not re.fullmatch(r"\d{12}", value):
        raise ValueError("an AWS account id is exactly 12 digits, quoted as a string")
    return value


def _email(value: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", value):
        raise ValueError("expected an e-mail address such as aws+prod-data@example.com")
    return value


def _role_arn(value: str) -> str:
    if not re.fullmatch(r"arn:aws:iam::\d{12}:role/[\w+=,.@/-]+", value):
        raise ValueError("expected an IAM role ARN such as arn:aws:iam::123456789012:role/ci")
    return value


def _unique(values: list[Any]) -> list[Any]:
    duplicates = sorted({str(v) for v in values if values.count(v) > 1})
    if duplicates:
        raise ValueError(f"each value may appear once; repeated: {', '.join(duplicates)}")
    return values


Region = Annotated[str, AfterValidator(_region)]
Key = Annotated[str, AfterValidator(_key)]
AccountId = Annotated[str, AfterValidator(_account_id)]
Email = Annotated[str, AfterValidator(_email)]
RoleArn = Annotated[str, AfterValidator(_role_arn)]
Regions = Annotated[list[Region], Field(min_length=1), AfterValidator(_unique)]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, use_attribute_docstrings=True)
