//! `vigil balance WHO…`: free and held balances of accounts.

use std::str::FromStr;

use anyhow::{Context, Result};

use crate::chain::{self, api, AccountId, ChainArgs};

/// Print the free and held balance of each account: an SS58 address or a secret URI (`//Bob`).
pub fn execute(who: Vec<String>, args: ChainArgs) -> Result<()> {
    super::block_on(balances(who, args))
}

/// The account named by an SS58 address or a secret URI.
pub fn parse_account(who: &str) -> Result<AccountId> {
    if let Ok(id) = AccountId::from_str(who) {
        return Ok(id);
    }
    let key = chain::keypair_from_uri(who)
        .with_context(|| format!("{who} is neither an SS58 address nor a secret URI"))?;
    Ok(chain::account_of(&key))
}

async fn balances(who: Vec<String>, args: ChainArgs) -> Result<()> {
    let accounts: Vec<(String, AccountId)> = who
        .iter()
        .map(|w| parse_account(w).map(|id| (w.clone(), id)))
        .collect::<Result<_>>()?;
    let api = args.connect().await?;
    let at = api
        .at_current_block()
        .await
        .context("cannot read the chain")?;
    println!("at finalized block #{}", at.block_number());
    for (name, id) in accounts {
        let info = at
            .storage()
            .fetch(api::storage().system().account(), (id,))
            .await
            .context("cannot read System.Account")?
            .decode()
            .context("cannot decode an account")?;
        println!(
            "{name:<10} {id}  free {}, held {}",
            chain::format_balance(info.data.free),
            chain::format_balance(info.data.reserved)
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_parse_from_addresses_and_uris() {
        let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
        assert_eq!(parse_account(alice).unwrap().to_string(), alice);
        assert_eq!(parse_account("//Alice").unwrap().to_string(), alice);
        assert!(parse_account("not an account").is_err());
    }
}
