//! SCIM
