from components import _iam


def test_key_policy_scopes_use_to_the_account_and_named_services():
    document = _iam.key_policy("123456789012", via_services=["s3.eu-central-1.amazonaws.com"])
    admin, use = document["Statement"]
    assert admin["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert not any(
        a.startswith(("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey")) for a in admin["Action"]
    )
    assert use["Condition"] == {
        "StringEquals": {
            "kms:CallerAccount": "123456789012",
            "kms:ViaService": ["s3.eu-central-1.amazonaws.com"],
        }
    }
    assert "kms:*" not in str(document)


def test_region_allow_list_denies_everything_regional_outside_the_regions():
    (statement,) = _iam.allow_regions("Sid", ["eu-west-1", "eu-central-1"])["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {
        "StringNotEquals": {"aws:RequestedRegion": ["eu-central-1", "eu-west-1"]}
    }
    assert "iam:*" in statement["NotAction"] and "sts:*" in statement["NotAction"]
    assert not any(a.startswith(("s3:*", "ec2:", "eks:", "sagemaker:")) for a in statement["NotAction"])


def test_imdsv2_policy_denies_launches_without_tokens_or_with_a_high_hop_limit():
    tokens, hops, credentials = _iam.require_imdsv2(2)["Statement"]
    assert tokens["Condition"] == {"StringNotEquals": {"ec2:MetadataHttpTokens": "required"}}
    assert hops["Condition"] == {"NumericGreaterThan": {"ec2:MetadataHttpPutResponseHopLimit": "2"}}
    assert credentials["Condition"] == {"NumericLessThan": {"ec2:RoleDelivery": "2.0"}}
    assert {tokens["Effect"], hops["Effect"], credentials["Effect"]} == {"Deny"}


def test_cloudtrail_protection_denies_stop_delete_and_narrowing():
    (statement,) = _iam.protect_cloudtrail()["Statement"]
    assert statement["Effect"] == "Deny"
    assert {"cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail"} <= set(
        statement["Action"]
    )


def test_tls_only_statement_covers_bucket_and_objects():
    statement = _iam.deny_insecure_transport("arn:aws:s3:::b")
    assert statement["Resource"] == ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert statement["Effect"] == "Deny" and statement["Principal"] == "*"
