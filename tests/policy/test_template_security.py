"""Security properties of the stack, checked on the template after the SAM transform (offline)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.sam_template import resources_of_type, transformed

ROLES = ("IngestFunctionRole", "SearchFunctionRole", "BootstrapFunctionRole")
EXISTING = {
    "OpenSearchEndpoint": "https://search-news-abc.ap-southeast-3.es.amazonaws.com",
    "OpenSearchArn": "arn:aws:es:ap-southeast-3:123456789012:domain/news",
}


@pytest.fixture(scope="module")
def cfn() -> dict[str, Any]:
    return transformed()


def statements(role: dict[str, Any]) -> list[dict[str, Any]]:
    """The inline Allow statements of a role."""
    return [
        statement
        for policy in role["Properties"].get("Policies", [])
        for statement in policy["PolicyDocument"]["Statement"]
        if statement.get("Effect") == "Allow"
    ]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def text(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


RULES_PREFIX = {"Fn::FindInMap": ["Constants", "Paths", "Rules"]}
REPORTS_PREFIX = {"Fn::FindInMap": ["Constants", "Paths", "Reports"]}

# X-Ray has no resource-level permissions: these two actions are the only ones on "*".
UNSCOPABLE = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}


@pytest.mark.parametrize("role", ROLES)
def test_policies_name_every_action_and_scope_every_resource(cfn, role):
    for statement in statements(cfn["Resources"][role]):
        for action in as_list(statement["Action"]):
            assert "*" not in action, f"{role}: wildcard action {action}"
        if set(as_list(statement["Action"])) <= UNSCOPABLE:
            continue
        for resource in as_list(statement["Resource"]):
            assert resource != "*", f"{role}: unscoped resource in {statement.get('Sid')}"


@pytest.mark.parametrize("role", ROLES)
def test_roles_carry_no_broad_managed_policies(cfn, role):
    # SAM would attach AWSLambdaBasicExecutionRole and AWSLambdaSQSQueueExecutionRole (both on
    # "*"); the explicit roles grant the same on the function's own log group and queue only.
    props = cfn["Resources"][role]["Properties"]
    assert props.get("ManagedPolicyArns", []) == []
    logs = [s for s in statements(cfn["Resources"][role]) if s.get("Sid") == "OwnLogGroup"]
    assert logs and "LogGroup" in text(logs[0]["Resource"])


def test_ingest_polls_only_its_own_queue(cfn):
    (poll,) = [s for s in statements(cfn["Resources"]["IngestFunctionRole"]) if "sqs:" in text(s)]
    assert poll["Resource"] == {"Fn::GetAtt": ["IngestQueue", "Arn"]}
    assert "sqs:SendMessage" not in poll["Action"]


@pytest.mark.parametrize("role", ROLES)
def test_opensearch_permissions_are_on_the_articles_paths_only(cfn, role):
    es = [s for s in statements(cfn["Resources"][role]) if "es:" in text(s["Action"])]
    assert es, f"{role} has no OpenSearch access"
    for statement in es:
        for resource in as_list(statement["Resource"]):
            path = text(resource)
            assert any(
                tail in path
                for tail in (
                    "/${ArticlesIndex}/",
                    "/${ArticlesIndex}-v*",
                    "/${ArticlesIndex}-uploads",
                    "/${ArticlesIndex}-tombstones",
                    "/${ArticlesIndex}-rules",
                    "/_alias/${",
                    "/_cluster/health/${",
                )
            ), path
            assert not path.rstrip('"]}').endswith("/*") or "/_doc/*" in path, (
                f"{role}: whole domain or index in {path}"
            )


def test_search_role_can_only_read(cfn):
    actions = {
        a for s in statements(cfn["Resources"]["SearchFunctionRole"]) for a in as_list(s["Action"])
    }
    own_logs_and_traces = {"logs:CreateLogStream", "logs:PutLogEvents"} | UNSCOPABLE
    assert actions - own_logs_and_traces == {
        "es:ESHttpGet",
        "es:ESHttpPost",
        "secretsmanager:GetSecretValue",
    }


def test_search_reads_the_cursor_key_and_no_other_secret(cfn):
    (read,) = [
        s for s in statements(cfn["Resources"]["SearchFunctionRole"]) if "secrets" in text(s)
    ]
    assert read["Action"] == "secretsmanager:GetSecretValue"
    assert read["Resource"] == {"Ref": "CursorSecret"}


def test_ingest_reads_uploads_rules_and_reports_and_writes_reports_only(cfn):
    by_sid = {s["Sid"]: s for s in statements(cfn["Resources"]["IngestFunctionRole"])}
    assert set(as_list(by_sid["ReadUploads"]["Action"])) == {"s3:GetObject", "s3:GetObjectVersion"}
    assert "/${UploadPrefix}*" in text(by_sid["ReadUploads"]["Resource"])
    assert by_sid["ReadRules"]["Action"] == "s3:GetObject"
    assert by_sid["ReadRules"]["Resource"] == {
        "Fn::Sub": ["${ArticlesBucket.Arn}/${Rules}*", {"Rules": RULES_PREFIX}]
    }
    reads = [s for s in by_sid.values() if "s3:GetObject" in as_list(s["Action"])]
    assert {s["Sid"] for s in reads} == {"ReadUploads", "ReadRules", "ReadReports"}
    # Its own reports, read before a failure is reported over them.
    assert by_sid["ReadReports"]["Action"] == "s3:GetObject"
    assert by_sid["ReadReports"]["Resource"] == {
        "Fn::Sub": ["${ArticlesBucket.Arn}/${Reports}*", {"Reports": REPORTS_PREFIX}]
    }
    assert by_sid["WriteReports"]["Action"] == "s3:PutObject"
    assert "/${Reports}*" in text(by_sid["WriteReports"]["Resource"])
    s3_actions = [a for s in by_sid.values() for a in as_list(s["Action"]) if a.startswith("s3:")]
    assert "s3:DeleteObject" not in s3_actions


def test_ingest_may_list_only_the_upload_rules_and_reports_prefixes(cfn):
    # With ListBucket, a missing object is a 404 (skipped), not a 403 (retried into the DLQ),
    # and a key without a report reads as none.
    by_sid = {s["Sid"]: s for s in statements(cfn["Resources"]["IngestFunctionRole"])}
    listing = by_sid["ListUploads"]
    assert listing["Action"] == "s3:ListBucket"
    assert listing["Resource"] == {"Fn::GetAtt": ["ArticlesBucket", "Arn"]}
    assert listing["Condition"] == {
        "StringLike": {
            "s3:prefix": [
                {"Fn::Sub": "${UploadPrefix}*"},
                {"Fn::Sub": ["${Rules}*", {"Rules": RULES_PREFIX}]},
                {"Fn::Sub": ["${Reports}*", {"Reports": REPORTS_PREFIX}]},
            ]
        }
    }


def test_the_rules_prefix_is_the_one_the_code_handles(cfn):
    from cariberita.rules.uploads import PREFIX

    assert cfn["Mappings"]["Constants"]["Paths"]["Rules"] == PREFIX


def test_an_existing_domain_creates_no_domain_resources():
    cfn = transformed(**EXISTING)
    assert cfn["Conditions"]["CreateDomain"] == {"Fn::Equals": [{"Ref": "OpenSearchEndpoint"}, ""]}
    for name, resource in cfn["Resources"].items():
        if "Domain" in text(resource.get("Properties", {})) and name.startswith("Domain"):
            assert resource["Condition"] == "CreateDomain", name


def test_serverless_is_not_offered():
    # The code needs _cluster/health, external versioning and _refresh, which Serverless lacks.
    cfn = transformed()
    assert "OpenSearchService" not in cfn["Parameters"]
    assert "aoss" not in text(cfn)


def test_role_names_are_known_before_the_deploy_and_fit_iam(cfn):
    longest_stage = "a" * 10  # Stage's AllowedPattern allows 2 to 10 characters
    longest_region = "ap-southeast-99x"
    for role in ROLES:
        name = cfn["Resources"][role]["Properties"]["RoleName"]["Fn::Sub"]
        assert name.startswith("cariberita-${Stage}-${AWS::Region}-")
        filled = name.replace("${Stage}", longest_stage).replace("${AWS::Region}", longest_region)
        assert len(filled) <= 64, filled
        output = role.replace("FunctionRole", "RoleArn")
        assert cfn["Outputs"][output]["Value"] == {"Fn::GetAtt": [role, "Arn"]}


def test_bucket_is_encrypted_private_and_versioned(cfn):
    props = cfn["Resources"]["ArticlesBucket"]["Properties"]
    rule = props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms")
    assert all(props["PublicAccessBlockConfiguration"].values())
    assert len(props["PublicAccessBlockConfiguration"]) == 4
    assert props["VersioningConfiguration"]["Status"] == "Enabled"
    assert props["OwnershipControls"]["Rules"][0]["ObjectOwnership"] == "BucketOwnerEnforced"


def test_bucket_and_queue_refuse_plain_http(cfn):
    for name in ("ArticlesBucketPolicy", "IngestQueuePolicy"):
        document = cfn["Resources"][name]["Properties"]["PolicyDocument"]
        denies = [s for s in document["Statement"] if s["Effect"] == "Deny"]
        assert any(s["Condition"]["Bool"]["aws:SecureTransport"] == "false" for s in denies), name
    bucket_deny = cfn["Resources"]["ArticlesBucketPolicy"]["Properties"]["PolicyDocument"]
    assert "${ArticlesBucket.Arn}/*" in text(bucket_deny)


def test_notifications_cover_uploads_and_rules_but_never_the_reports_prefix(cfn):
    template_defaults = cfn["Parameters"]
    upload = template_defaults["UploadPrefix"]["Default"]
    assert not upload.startswith("reports/") and not "reports/".startswith(upload)
    configs = cfn["Resources"]["ArticlesBucket"]["Properties"]["NotificationConfiguration"][
        "QueueConfigurations"
    ]
    by_prefix: dict[str, set[str]] = {}
    for config in configs:
        assert config["Queue"] == {"Fn::GetAtt": ["IngestQueue", "Arn"]}
        (rule,) = config["Filter"]["S3Key"]["Rules"]
        assert rule["Name"] == "prefix"
        by_prefix.setdefault(text(rule["Value"]), set()).add(config["Event"])
    # Uploads: new objects and removals. Rules documents: new ones only (deleting one changes
    # no rules, docs/editors.md).
    assert by_prefix == {
        text({"Ref": "UploadPrefix"}): {"s3:ObjectCreated:*", "s3:ObjectRemoved:*"},
        text(RULES_PREFIX): {"s3:ObjectCreated:*"},
    }
    assert cfn["Mappings"]["Constants"]["Paths"]["Rules"] == "rules/"
    assert {"UploadsAreNotReports", "UploadsAreNotRules"} <= set(cfn["Rules"])


def test_only_this_bucket_may_send_to_the_queue(cfn):
    allow = cfn["Resources"]["IngestQueuePolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert allow["Principal"] == {"Service": "s3.amazonaws.com"}
    assert allow["Action"] == "sqs:SendMessage"
    assert "aws:SourceArn" in allow["Condition"]["ArnEquals"]
    assert allow["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}


def test_queues_are_encrypted_and_failures_go_to_the_dead_letter_queue(cfn):
    queue = cfn["Resources"]["IngestQueue"]["Properties"]
    dlq = cfn["Resources"]["IngestDeadLetterQueue"]["Properties"]
    assert queue["SqsManagedSseEnabled"] and dlq["SqsManagedSseEnabled"]
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {
        "Fn::GetAtt": ["IngestDeadLetterQueue", "Arn"]
    }
    assert 1 < queue["RedrivePolicy"]["maxReceiveCount"] <= 10
    assert dlq["MessageRetentionPeriod"] == 1_209_600  # the 14-day maximum, time to fix and redrive
    assert dlq["MessageRetentionPeriod"] > queue["MessageRetentionPeriod"]


def test_ingest_source_reports_partial_failures_and_caps_concurrency(cfn):
    (mapping,) = resources_of_type(cfn, "AWS::Lambda::EventSourceMapping").values()
    props = mapping["Properties"]
    assert props["EventSourceArn"] == {"Fn::GetAtt": ["IngestQueue", "Arn"]}
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["ScalingConfig"]["MaximumConcurrency"] == {"Ref": "IngestMaxConcurrency"}


def test_visibility_timeout_is_six_times_the_ingest_timeout(cfn):
    (mapping,) = resources_of_type(cfn, "AWS::Lambda::EventSourceMapping").values()
    timeout = cfn["Resources"]["IngestFunction"]["Properties"]["Timeout"]
    window = mapping["Properties"].get("MaximumBatchingWindowInSeconds", 0)
    assert (
        cfn["Resources"]["IngestQueue"]["Properties"]["VisibilityTimeout"] >= 6 * timeout + window
    )


def test_domain_encrypts_and_speaks_modern_tls_only(cfn):
    props = cfn["Resources"]["Domain"]["Properties"]
    assert props["EncryptionAtRestOptions"]["Enabled"] is True
    assert props["NodeToNodeEncryptionOptions"]["Enabled"] is True
    assert props["DomainEndpointOptions"]["EnforceHTTPS"] is True
    assert props["DomainEndpointOptions"]["TLSSecurityPolicy"].startswith("Policy-Min-TLS-1-2")


def test_domain_policy_names_each_function_role_with_its_own_grants(cfn):
    # What each role may do overall is in test_effective_permissions; here: no statement is
    # for several roles or for anyone, and the operator only when named.
    statements_ = cfn["Resources"]["Domain"]["Properties"]["AccessPolicies"]["Statement"]
    functions = [s for s in statements_ if "Fn::If" not in s]
    operators = [s["Fn::If"] for s in statements_ if "Fn::If" in s]
    assert operators, "no statement for OperatorRoleArn"
    for statement in functions:
        principal = statement["Principal"]["AWS"]
        assert principal in [{"Fn::GetAtt": [role, "Arn"]} for role in ROLES], principal
        assert statement["Effect"] == "Allow" and "Condition" not in statement
        assert "*" not in text(statement["Action"])
    assert {text(s["Principal"]) for s in functions} == {
        text({"AWS": {"Fn::GetAtt": [role, "Arn"]}}) for role in ROLES
    }
    for name, granted, otherwise in operators:
        assert name == "HasOperatorRole" and otherwise == {"Ref": "AWS::NoValue"}
        assert granted["Principal"] == {"AWS": {"Ref": "OperatorRoleArn"}}
        # only a role of this account (test_effective_permissions: what it may call)
        account = {"StringEquals": {"aws:PrincipalAccount": {"Ref": "AWS::AccountId"}}}
        assert granted["Condition"] == account, granted["Sid"]
    assert cfn["Parameters"]["OperatorRoleArn"]["Default"] == ""


def test_domain_upgrades_its_engine_in_place(cfn):
    assert cfn["Resources"]["Domain"]["UpdatePolicy"] == {"EnableVersionUpgrade": True}


def test_cursor_secret_reaches_the_function_by_arn_never_by_value(cfn):
    env = cfn["Resources"]["SearchFunction"]["Properties"]["Environment"]["Variables"]
    assert env["CURSOR_SECRET_ARN"] == {"Ref": "CursorSecret"}
    assert "resolve:secretsmanager" not in text(cfn)
    assert "CURSOR_SECRET" not in env
    assert "GenerateSecretString" in cfn["Resources"]["CursorSecret"]["Properties"]


def test_bucket_name_is_new_for_every_stack_so_a_retained_bucket_never_blocks(cfn):
    bucket = cfn["Resources"]["ArticlesBucket"]
    assert bucket["DeletionPolicy"] == "Retain"
    name = text(bucket["Properties"]["BucketName"])
    assert "AWS::StackId" in name and "AWS::AccountId" not in name
    source = cfn["Resources"]["IngestQueuePolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert text(bucket["Properties"]["BucketName"]["Fn::Sub"][1]) in text(source)
