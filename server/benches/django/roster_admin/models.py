"""Roster's tables as Django sees them (unmanaged: Roster's migrations own the schema)."""
from django.db import models


class Project(models.Model):
    slug = models.TextField()

    class Meta:
        managed = False
        db_table = "projects"


class ProjectNamed(models.Model):
    """A project's role or group: its id, project and name."""

    project_id = models.BigIntegerField()
    name = models.TextField()

    class Meta:
        abstract = True
        managed = False

    def __str__(self):
        return self.name


class Role(ProjectNamed):
    class Meta(ProjectNamed.Meta):
        db_table = "roles"


class Group(ProjectNamed):
    class Meta(ProjectNamed.Meta):
        db_table = "groups"


class Account(models.Model):
    email = models.TextField()
    first_name = models.TextField()
    last_name = models.TextField()
    status = models.TextField()

    class Meta:
        managed = False
        db_table = "users"


class Member(models.Model):
    """A row of `memberships`. Its key is (project, user); within the one project the
    comparison reads, the user is unique, so it serves as Django's primary key."""

    account = models.OneToOneField(
        Account, primary_key=True, db_column="user_id", on_delete=models.DO_NOTHING
    )
    project_id = models.BigIntegerField()
    role = models.ForeignKey(Role, db_column="role_id", on_delete=models.DO_NOTHING)
    email = models.TextField()
    name_key = models.TextField()
    status = models.TextField(
        choices=[("invited", "invited"), ("active", "active"), ("inactive", "inactive")]
    )
    created_at = models.BigIntegerField()
    last_sign_in_at = models.BigIntegerField()

    class Meta:
        managed = False
        db_table = "memberships"
