// Type stub for s3rver, which ships no declarations; tests import it dynamically and cast what they use.
declare module 's3rver';
