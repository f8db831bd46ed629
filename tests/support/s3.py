"""S3 as the tests reach it: moto's server on 127.0.0.1, through boto3's standard variables."""

BUCKET = "cpd-demo-snapshots"
CREDS = {"AWS_ACCESS_KEY_ID": "cpd-test-key", "AWS_SECRET_ACCESS_KEY": "cpd-test-secret-do-not-print",
         "AWS_DEFAULT_REGION": "us-east-1"}
