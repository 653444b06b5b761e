import { literalSecretRule } from '../literalSecret';

export default literalSecretRule({
  id: 'security/literal-ldap-password',
  scope: 'file',
  title: 'LDAP bind password written in the config',
  what: 'The LDAP bind password',
  targets: [{ cls: 'LDAPAuthenticator', trait: 'lookup_dn_search_password', env: 'LDAP_BIND_PASSWORD' }],
  rationale:
    'With `lookup_dn`, the hub binds to the directory as a service account before it checks each login. That account can usually search the whole directory, and in many organisations it opens other services too. Its password in a config file is readable by everyone who can read the file or its history.',
  howToFix:
    'Keep the password out of the file: read it from an environment variable or a secret store the hub process can reach. The quick fix reads it from `LDAP_BIND_PASSWORD`; set that variable for the hub, then change the account\'s password.',
  docs: [{ title: 'ldapauthenticator: configuration (lookup_dn_search_user, lookup_dn_search_password)', url: 'https://github.com/jupyterhub/ldapauthenticator#readme' }],
  example: { bad: 'c.LDAPAuthenticator.lookup_dn_search_password = "hunter2hunter2"', good: 'import os\nc.LDAPAuthenticator.lookup_dn_search_password = os.environ["LDAP_BIND_PASSWORD"]' },
});
