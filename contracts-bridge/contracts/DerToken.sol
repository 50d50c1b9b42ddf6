// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title DER, the base token of the ØNDER commonwealth
/// @notice A plain ERC-20 with a fixed supply of 1,000,000,000 DER (18 decimals), minted once at deployment.
///         There is no mint or burn function after construction: the supply can never change.
contract DerToken is ERC20 {
    /// @notice The whole supply, in base units: 1,000,000,000 * 10^18.
    uint256 public constant FIXED_SUPPLY = 1_000_000_000 * 10 ** 18;

    /// @notice The holder passed is the zero address.
    error DerTokenZeroHolder();

    /// @param holder receives the entire fixed supply
    constructor(address holder) ERC20("Onder DER", "DER") {
        if (holder == address(0)) revert DerTokenZeroHolder();
        _mint(holder, FIXED_SUPPLY);
    }
}
